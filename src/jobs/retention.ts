// Data retention: once at start and then every 24 hours, each funnel with a
// retention_days lets go of what is older (the event store's retention deletes its
// events, the visits that ended before the cutoff and every rollup's rows before it,
// in chunks: src/store/sqlite/retention/).
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import type { EventRetention, RetentionResult } from "../store/event-retention";
import { sqliteEventStore } from "../store/sqlite/event-store";

const DAY_MS = 86_400_000;

export type { RetentionResult };

export interface RetentionOptions {
  intervalMs?: number;
  /** Pause between chunks (ms). */
  pauseMs?: number;
  chunk?: number;
}

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

/** Starts the daily pass (first one right away); stop() ends it between chunks. */
export function startRetentionJob(ctx: AppContext, opts: RetentionOptions = {}): { stop(): void; running: () => Promise<unknown> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let current: Promise<unknown> = Promise.resolve();
  const isStopped = () => stopped || ctx.stopping;
  const pass = async () => {
    try {
      const r = await runRetention(ctx.store.sqlite, ctx.now(), { chunk: opts.chunk, pauseMs: opts.pauseMs, stopped: isStopped }, ctx.store.events.retention);
      if (r.events || r.sessions) ctx.log(`retention: deleted ${r.events} events and ${r.sessions} sessions past their funnel's retention`);
    } catch (e) {
      if (!isStopped()) ctx.log(`retention: failed: ${(e as Error).message}`);
    }
    if (!isStopped()) timer = setTimeout(() => (current = pass()), opts.intervalMs ?? DAY_MS);
  };
  current = pass();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    running: () => current,
  };
}
