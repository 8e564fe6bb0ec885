// How much disk a funnel's data takes, and will take at its current rate for the
// retention chosen (Settings → Data size). SQLite cannot say which pages belong to
// which funnel, so the file's used bytes are shared out by events: every funnel is
// charged the database's average bytes per event (tables, indexes, rollups, journey
// copy), which is what adding or deleting an event costs on average.
import type { Database } from "bun:sqlite";
import { fileUse, usedBytes } from "../../db/space";

const DAY_MS = 86_400_000;
/** The rate is the funnel's events per day over this many days (fewer when it is younger). */
export const RATE_DAYS = 30;
/** Without a retention, the projection is for a year of data. */
export const YEAR_DAYS = 365;

export interface FunnelDataSize {
  events: number;
  /** This funnel's share of the used bytes. */
  bytes: number;
  bytesPerEvent: number;
  /** Events per day over the last RATE_DAYS days (or since the first event). */
  eventsPerDay: number;
  retentionDays: number | null;
  /** The size once the retention window (or a year, without one) is full at that rate. */
  projectedBytes: number;
  projectedDays: number;
  /** The whole database file, and the part of it that is free pages not yet given back. */
  fileBytes: number;
  freeBytes: number;
  /** Free pages go back to the disk (incremental auto-vacuum); false until the layout migration's VACUUM ran. */
  givesSpaceBack: boolean;
}

export function funnelDataSize(sqlite: Database, funnelId: string, now: number): FunnelDataSize | null {
  const funnel = sqlite.query<{ retention_days: number | null }, [string]>("SELECT retention_days FROM funnels WHERE id = ?").get(funnelId);
  if (!funnel) return null;
  // One count per funnel, each from the (funnel, ts) index: the database's total.
  const countOf = sqlite.query<{ n: number }, [number]>("SELECT count(*) AS n FROM events WHERE funnel = ?");
  const keys = sqlite.query<{ key: number; id: string }, []>("SELECT k.key AS key, k.funnel_id AS id FROM funnel_keys k JOIN funnels f ON f.id = k.funnel_id").all();
  let total = 0;
  let events = 0;
  let funnelKey: number | null = null;
  for (const { key, id } of keys) {
    const n = countOf.get(key)!.n;
    total += n;
    if (id === funnelId) [events, funnelKey] = [n, key];
  }
  const use = fileUse(sqlite);
  const used = usedBytes(use);
  const bytesPerEvent = total ? used / total : 0;
  const first = sqlite.query<{ ts: number | null }, [number | null]>("SELECT min(ts) AS ts FROM events WHERE funnel = ?").get(funnelKey)?.ts ?? null;
  const since = Math.max(now - RATE_DAYS * DAY_MS, first ?? now);
  const recent = sqlite
    .query<{ n: number }, [number | null, number, number]>("SELECT count(*) AS n FROM events WHERE funnel = ? AND ts >= ? AND ts < ?")
    .get(funnelKey, since, now)!.n;
  // At least one day, so a funnel a few minutes old is not projected from minutes.
  const eventsPerDay = recent / Math.max(1, (now - since) / DAY_MS);
  const projectedDays = funnel.retention_days ?? YEAR_DAYS;
  return {
    events,
    bytes: Math.round(events * bytesPerEvent),
    bytesPerEvent,
    eventsPerDay,
    retentionDays: funnel.retention_days,
    projectedBytes: Math.round(eventsPerDay * projectedDays * bytesPerEvent),
    projectedDays,
    fileBytes: use.pages * use.pageSize,
    freeBytes: use.freePages * use.pageSize,
    givesSpaceBack: use.autoVacuum === 2,
  };
}
