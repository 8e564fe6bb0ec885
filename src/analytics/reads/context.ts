// What a registered read is handed: the reader thread's own connection, and the
// event store over it (dashboard reads and journeys; rollups kept on that connection).
import type { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { Db } from "../../db/open";
import * as schema from "../../db/schema";
import type { DashboardReader } from "../../store/dashboard-reader";
import type { EventStore } from "../../store/event-store";
import { sqliteEventStore } from "../../store/sqlite/event-store";
import { connectClickHouse, type ClickHouseTarget } from "../../store/clickhouse/connection";
import { clickhouseReaders } from "../../store/clickhouse/readers";
import { NO_SYNC_VISITORS } from "../../store/clickhouse/event-store";

export interface ReadContext {
  /** The connection, for the reads not yet behind a store interface (funnel reports, currency settings). */
  sqlite: Database;
  /** The same connection through drizzle, for reads written with it (experiments). */
  db: Db;
  /** Every dashboard and read-API query; `now` in its arguments comes from the request (the HTTP thread's clock). */
  dashboard: DashboardReader;
  /** The whole event plane on the same connection (the funnel report reads `events.journeys`). */
  events: EventStore;
  /** Lets go of what the context opened besides the connection (a ClickHouse client). */
  close(): Promise<void>;
}

/** `clickhouse`: the event store's server (--events); dashboard and journeys then read there. */
export function readContext(sqlite: Database, clickhouse: ClickHouseTarget | null = null): ReadContext {
  const db = drizzle(sqlite, { schema }) as Db;
  const local = sqliteEventStore(sqlite);
  if (!clickhouse) return { sqlite, db, dashboard: local.dashboard, events: local, close: async () => {} };
  const client = connectClickHouse(clickhouse);
  const readers = clickhouseReaders(client, sqlite);
  const events: EventStore = {
    get writer() {
      return local.writer;
    },
    get retention() {
      return local.retention;
    },
    get rollups() {
      return local.rollups;
    },
    visitors: NO_SYNC_VISITORS,
    ...readers,
  };
  return { sqlite, db, dashboard: readers.dashboard, events, close: () => client.close() };
}

/** A registered read: plain, structured-cloneable data in and out (Maps are fine, class instances are not). */
export type ReadFn = (rc: ReadContext, args: never) => unknown;
export type Registry = Record<string, ReadFn>;
export type ReadName<R extends Registry> = keyof R & string;
export type ReadArgs<R extends Registry, N extends keyof R> = Parameters<R[N]>[1];
export type ReadResult<R extends Registry, N extends keyof R> = ReturnType<R[N]>;
