// A process that starts the compact-layout conversion of DIR's database the way a start
// does (drizzle migrations, then the layout steps), in small ranges, for the crash test:
// with CRASH_AFTER=N it kills itself (SIGKILL, like a power cut to SQLite) right after
// the Nth committed range, counted from this process's start.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { compactLayoutStep } from "../../src/db/layout/compact-layout";
import { migrateLayout } from "../../src/db/layout/run";
import { compactEventIds } from "../../src/db/layout/steps";
import { applyMigrations } from "../../src/db/migrate";

const dir = process.argv[2];
const crashAfter = Number(process.env.CRASH_AFTER ?? 0);
const sqlite = new Database(join(dir, "aurea.db"));
sqlite.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000");
applyMigrations(sqlite);

let ranges = 0;
const compact = compactLayoutStep({
  chunk: 300,
  days: 1,
  afterChunk: () => {
    if (++ranges === crashAfter) process.kill(process.pid, "SIGKILL");
  },
});
const done = migrateLayout(sqlite, { log: (l) => console.log(l), backup: () => "none", steps: [compactEventIds, compact], alwaysProgress: true });
console.log(JSON.stringify({ done, ranges }));
sqlite.close();
