// What a registered read is handed: the reader thread's own connection, and the
// analytics reader (rollups kept on that connection) at the request's clock.
import type { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { Db } from "../../db/open";
import * as schema from "../../db/schema";
import { Rollups } from "../rollups/refresh";
import type { AnalyticsReader } from "../../store/sqlite/dashboard/reader";

export interface ReadContext {
  sqlite: Database;
  /** The same connection through drizzle, for reads written with it (experiments). */
  db: Db;
  /** `now` comes from the request (the HTTP thread's clock), never from this thread. */
  reader(now: number): AnalyticsReader;
}

export function readContext(sqlite: Database): ReadContext {
  const rollups = new Rollups(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  return { sqlite, db, reader: (now) => ({ sqlite, rollups, now: () => now }) };
}

/** A registered read: plain, structured-cloneable data in and out (Maps are fine, class instances are not). */
export type ReadFn = (rc: ReadContext, args: never) => unknown;
export type Registry = Record<string, ReadFn>;
export type ReadName<R extends Registry> = keyof R & string;
export type ReadArgs<R extends Registry, N extends keyof R> = Parameters<R[N]>[1];
export type ReadResult<R extends Registry, N extends keyof R> = ReturnType<R[N]>;
