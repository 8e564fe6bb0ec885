// Data retention: once at start and then every 24 hours, delete each funnel's
// events older than its retention_days, its sessions that ended before that, the
// dashboard rollups of the hours before it (so no view shows what is gone) and the
// funnel report's copies of those events (journey_events); then give the freed pages back
// to the filesystem (src/db/space.ts).
// Deletes run in small chunks with a pause between them, so ingest and the
// dashboard never wait long for the write lock.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { reclaimFreePages } from "../db/space";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CHUNK = 2000;

export interface RetentionResult {
  events: number;
  sessions: number;
}

interface Plan {
  id: string;
  retention_days: number;
}

/** Runs one pass; `stopped` is checked between chunks. */
export async function runRetention(
  sqlite: Database,
  now: number,
  opts: { chunk?: number; pauseMs?: number; stopped?: () => boolean } = {},
): Promise<RetentionResult> {
  const chunk = opts.chunk ?? CHUNK;
  const stopped = opts.stopped ?? (() => false);
  const plans = sqlite.query<Plan, []>("SELECT id, retention_days FROM funnels WHERE retention_days IS NOT NULL AND retention_days > 0").all();
  const deleteEvents = sqlite.query(
    "DELETE FROM events WHERE row_id IN (SELECT row_id FROM events WHERE funnel_id = :id AND ts < :cutoff LIMIT :chunk)",
  );
  const deleteSessions = sqlite.query(
    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE funnel_id = :id AND last_at < :cutoff LIMIT :chunk)",
  );
  // Rollups are a few rows per hour: one statement each is short enough.
  const deleteRollups = [
    sqlite.query("DELETE FROM rollup_hours WHERE funnel_id = :id AND hour < :hour"),
    sqlite.query("DELETE FROM rollup_revenue WHERE funnel_id = :id AND hour < :hour"),
  ];
  // journey_events holds a row per event: deleted a day at a time, like the events.
  const firstJourneyDay = sqlite.query<{ day: number | null }, { id: string }>("SELECT min(day) AS day FROM journey_events WHERE funnel_id = :id");
  const deleteJourneyDay = sqlite.query("DELETE FROM journey_events WHERE funnel_id = :id AND day = :day AND ts < :cutoff");
  const forgetJourneyDays = sqlite.query("DELETE FROM journey_days WHERE funnel_id = :id AND day <= :day");
  const total: RetentionResult = { events: 0, sessions: 0 };
  for (const plan of plans) {
    const cutoff = now - plan.retention_days * DAY_MS;
    for (const [stmt, key] of [[deleteEvents, "events"], [deleteSessions, "sessions"]] as const) {
      while (!stopped()) {
        const n = stmt.run({ id: plan.id, cutoff, chunk }).changes;
        total[key] += n;
        if (n < chunk) break;
        await Bun.sleep(opts.pauseMs ?? 5);
      }
      if (stopped()) return total;
    }
    const hour = Math.floor(cutoff / HOUR_MS);
    for (const stmt of deleteRollups) stmt.run({ id: plan.id, hour });
    const lastDay = Math.floor(cutoff / DAY_MS);
    for (let day = firstJourneyDay.get({ id: plan.id })?.day ?? lastDay + 1; day <= lastDay; day++) {
      if (stopped()) return total;
      if (deleteJourneyDay.run({ id: plan.id, day, cutoff }).changes) await Bun.sleep(opts.pauseMs ?? 5);
    }
    // The day the cutoff falls in is rebuilt from what is left before it is read again.
    forgetJourneyDays.run({ id: plan.id, day: lastDay });
  }
  return total;
}

/**
 * One pass over every funnel, as the server's retention task runs it; `signal` ends it
 * between chunks. Then the pages it freed (and any a deleted funnel left) go back to the disk.
 */
export async function retentionPass(ctx: AppContext, signal: AbortSignal): Promise<void> {
  const stopped = () => signal.aborted || ctx.stopping;
  const r = await runRetention(ctx.store.sqlite, ctx.now(), { stopped });
  if (r.events || r.sessions) ctx.log(`retention: deleted ${r.events} events and ${r.sessions} sessions past their funnel's retention`);
  const freed = await reclaimFreePages(ctx.store.sqlite, { stopped });
  if (freed) ctx.log(`retention: gave ${(freed / 1e6).toFixed(1)} MB back to the filesystem`);
}
