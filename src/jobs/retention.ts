// Data retention, one pass (the "retention" task of src/tasks/table.ts runs it at start
// and then daily): each funnel with a retention_days lets go of what is older. The
// event store's retention deletes its events, the visits that ended before the cutoff
// and every rollup's rows before it, in chunks (src/store/sqlite/retention/); then the
// freed pages go back to the filesystem (src/db/space.ts).
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { reclaimFreePages } from "../db/space";
import { mb } from "../db/layout/steps";
import type { EventRetention, RetentionResult } from "../store/event-retention";
import { sqliteEventStore } from "../store/sqlite/event-store";

const DAY_MS = 86_400_000;

export type { RetentionResult };

interface Plan {
  id: string;
  retention_days: number;
}

/**
 * Runs one pass; `stopped` is checked between chunks. `sqlite` is the control plane
 * (which funnels keep how long); `events` defaults to the SQLite event store on it.
 */
export async function runRetention(
  sqlite: Database,
  now: number,
  opts: { chunk?: number; pauseMs?: number; stopped?: () => boolean } = {},
  events: EventRetention = sqliteEventStore(sqlite).retention,
): Promise<RetentionResult> {
  const stopped = opts.stopped ?? (() => false);
  const plans = sqlite.query<Plan, []>("SELECT id, retention_days FROM funnels WHERE retention_days IS NOT NULL AND retention_days > 0").all();
  const total: RetentionResult = { events: 0, sessions: 0 };
  for (const plan of plans) {
    const r = await events.deleteBefore(plan.id, now - plan.retention_days * DAY_MS, { chunk: opts.chunk, pauseMs: opts.pauseMs, stopped });
    total.events += r.events;
    total.sessions += r.sessions;
    if (stopped()) return total;
  }
  return total;
}

/**
 * One pass over every funnel, as the server's retention task runs it; `signal` ends it
 * between chunks. Then the pages it freed (and any a deleted funnel left) go back to the disk.
 */
export async function retentionPass(ctx: AppContext, signal: AbortSignal): Promise<void> {
  const stopped = () => signal.aborted || ctx.stopping;
  const r = await runRetention(ctx.store.sqlite, ctx.now(), { stopped }, ctx.store.events.retention);
  if (r.events || r.sessions) ctx.log(`retention: deleted ${r.events} events and ${r.sessions} sessions past their funnel's retention`);
  const freed = await reclaimFreePages(ctx.store.sqlite, { stopped });
  // A few pages come free on any start (a fresh file's migrations): not worth a line.
  if (freed >= 1e5) ctx.log(`retention: gave ${mb(freed)} back to the filesystem`);
}
