// What a registered read is handed: the reader thread's own connection, and the
// event store over it (dashboard reads and journeys; rollups kept on that connection).
import type { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { Db } from "../../db/open";
import * as schema from "../../db/schema";
import type { DashboardReader } from "../../store/dashboard-reader";
import type { EventStore } from "../../store/event-store";
import { sqliteEventStore } from "../../store/sqlite/event-store";

export interface ReadContext {
  /** The connection, for the reads not yet behind a store interface (funnel reports, currency settings). */
  sqlite: Database;
  /** The same connection through drizzle, for reads written with it (experiments). */
  db: Db;
  /** Every dashboard and read-API query; `now` in its arguments comes from the request (the HTTP thread's clock). */
  dashboard: DashboardReader;
  /** The whole event plane on the same connection (the funnel report reads `events.journeys`). */
  events: EventStore;
}

export function readContext(sqlite: Database): ReadContext {
  const db = drizzle(sqlite, { schema }) as Db;
  const events = sqliteEventStore(sqlite);
  return { sqlite, db, dashboard: events.dashboard, events };
}

/** A registered read: plain, structured-cloneable data in and out (Maps are fine, class instances are not). */
export type ReadFn = (rc: ReadContext, args: never) => unknown;
export type Registry = Record<string, ReadFn>;
export type ReadName<R extends Registry> = keyof R & string;
export type ReadArgs<R extends Registry, N extends keyof R> = Parameters<R[N]>[1];
export type ReadResult<R extends Registry, N extends keyof R> = ReturnType<R[N]>;
