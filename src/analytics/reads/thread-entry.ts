// A reader thread: the dashboard's and the read API's queries, on a connection of its own.
import { READS } from "./registry";
import { serveReads } from "./serve";

serveReads(READS);
