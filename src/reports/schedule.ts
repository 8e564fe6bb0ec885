// When scheduled digests are due, and queueing them: a tick looks at every funnel with
// subscribers, finds the latest send time that has passed (Monday 09:00 / the 1st at
// 09:00 in the funnel's zone) and queues one send per subscriber for that period.
// Queueing is idempotent (report_sends is keyed by the period), so ticks may run as
// often as they like, after restarts too; a server that was down at 09:00 catches up
// for a while, then skips the stale digest.
import type { Database } from "bun:sqlite";
import type { Db } from "../db/open";
import type { JobQueue } from "../jobs/queue";
import { nextRunAt, periodFor, type Cadence } from "./period";
import { REPORT_SEND_JOB } from "./send-job";
import { queueSend } from "./sends";
import { scheduledFunnels, subscriptions } from "./subscriptions";
import { funnelTimeZone } from "./zone";

/** How late a digest may still go out after its time (e.g. the server was down). */
export const CATCH_UP_MS = 2 * 86_400_000;

/** The latest scheduled time at or before `now`. */
export function lastRunAt(cadence: Cadence, now: number, tz: string): number {
  // Step back past at least one whole cadence, then walk forward.
  let t = nextRunAt(cadence, now - (cadence === "weekly" ? 8 : 32) * 86_400_000, tz);
  for (;;) {
    const next = nextRunAt(cadence, t, tz);
    if (next > now) return t;
    t = next;
  }
}

export interface TickResult {
  queued: number;
  /** When the next digest falls due (for the timer), or null with no subscribers. */
  nextAt: number | null;
}

export function queueDueDigests(sqlite: Database, db: Db, queue: JobQueue, now: number, zoneOf: (funnelId: string) => string = (id) => funnelTimeZone(db, id)): TickResult {
  let queued = 0;
  let nextAt: number | null = null;
  for (const { funnelId, cadence } of scheduledFunnels(sqlite)) {
    const tz = zoneOf(funnelId);
    const next = nextRunAt(cadence, now, tz);
    nextAt = nextAt === null ? next : Math.min(nextAt, next);
    const runAt = lastRunAt(cadence, now, tz);
    if (now - runAt > CATCH_UP_MS) continue;
    const period = periodFor(cadence, runAt, tz);
    sqlite.transaction(() => {
      for (const s of subscriptions(sqlite, funnelId)) {
        // Subscribed after the send time: their first digest is the next one.
        if (s.cadence !== cadence || s.createdAt > runAt) continue;
        const key = queueSend(sqlite, { funnelId, email: s.email, cadence, periodFrom: period.from, periodTo: period.to }, now);
        if (key) {
          queue.enqueue(REPORT_SEND_JOB, { key }, now, { maxAttempts: 20 });
          queued++;
        }
      }
    }).immediate();
  }
  return { queued, nextAt };
}
