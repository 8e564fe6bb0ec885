// Keys and origins are read on every ingest request but change only when keys are
// rotated, origins edited or a funnel deleted, in this process or in a CLI process
// on the same data dir. Each such change touches a stamp file beside the database;
// a reader keeps its copy until the stamp moves: one stat() per request instead of a
// read transaction on a database the processing thread keeps writing.
import { statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Db } from "../db/open";

export const STAMP_FILE = "funnels.changed";

/** The stamp beside a database file; null for a database without a file (":memory:"). */
export function stampPathOf(databasePath: string): string | null {
  return databasePath && databasePath !== ":memory:" ? join(dirname(databasePath), STAMP_FILE) : null;
}

export function stampPathOfDb(db: Db): string | null {
  return stampPathOf(db.$client.filename);
}

/** Call after a committed change to a funnel's keys, origins or existence. */
export function touchStamp(path: string | null): void {
  if (path) writeFileSync(path, `${Date.now()}\n`);
}

export interface Stamp {
  /** Changes whenever the stamp is touched; "" when it was never written. */
  version: string;
  /** When it was last touched (ms); 0 when never. */
  touchedAt: number;
}

export function readStamp(path: string): Stamp {
  try {
    const s = statSync(path, { bigint: true });
    return { version: `${s.ino}:${s.mtimeNs}`, touchedAt: Number(s.mtimeNs / 1_000_000n) };
  } catch {
    return { version: "", touchedAt: 0 };
  }
}

/**
 * File times tick coarsely (a few ms): two touches in one tick look like one. A copy
 * read within this long of the last touch is not trusted to stay current.
 */
export const STAMP_SETTLE_MS = 100;
