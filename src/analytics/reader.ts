// What the dashboard's queries are handed: the database, its rollups, the funnel
// report's journeys and the clock.
import type { Database } from "bun:sqlite";
import { isTransient } from "../db/storage-errors";
import type { JourneyReader } from "../store/journey-reader";
import type { Rollup } from "../store/rollup-registry";
import { sqliteEventStore } from "../store/sqlite/event-store";

export interface AnalyticsReader {
  sqlite: Database;
  /** The registry's dashboard rollup on the same connection. */
  rollups: Rollup;
  /** The funnel report's journeys, on the same connection. */
  journeys: JourneyReader;
  now: () => number;
}

export function analyticsReader(sqlite: Database, now: () => number = Date.now): AnalyticsReader {
  const events = sqliteEventStore(sqlite);
  return { sqlite, rollups: events.rollups.dashboard, journeys: events.journeys, now };
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
