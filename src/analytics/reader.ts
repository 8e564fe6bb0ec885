// What the dashboard's queries are handed: the database, its rollups and the clock.
import type { Database } from "bun:sqlite";
import { Rollups } from "./rollups/refresh";

export interface AnalyticsReader {
  sqlite: Database;
  rollups: Rollups;
  now: () => number;
}

export function analyticsReader(sqlite: Database, now: () => number = Date.now): AnalyticsReader {
  return { sqlite, rollups: new Rollups(sqlite), now };
}

/** Brings the funnel's rollups up to date; returns the horizon (see Rollups.refresh). */
export function freshRollups(reader: AnalyticsReader, funnelId: string): number {
  return reader.rollups.refresh(funnelId, reader.now());
}
