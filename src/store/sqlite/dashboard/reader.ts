// What the SQLite query modules of this folder are handed: the connection, its rollups
// and the request's clock (./dashboard-reader.ts makes one per call).
import type { Database } from "bun:sqlite";
import { isTransient } from "../../../db/storage-errors";
import type { Rollup } from "../../rollup-registry";

export interface AnalyticsReader {
  sqlite: Database;
  /** The registry's dashboard rollup on the same connection. */
  rollups: Rollup;
  now: () => number;
}

/** Before every event: with this horizon everything is read live. */
const READ_ALL_LIVE = Number.MIN_SAFE_INTEGER;

/**
 * Brings the funnel's rollups up to date; returns the horizon (see Rollup.refresh).
 * When they cannot be written (a full disk, a read-only or busy database), everything
 * is read live: slower, same numbers, and the page still renders.
 */
export function freshRollups(reader: AnalyticsReader, funnelId: string): number {
  try {
    return reader.rollups.refresh(funnelId, reader.now());
  } catch (e) {
    if (isTransient(e)) return READ_ALL_LIVE;
    throw e;
  }
}
