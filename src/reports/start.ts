// Scheduled digests in a running server: the send job on the server's job runner, and
// the "digests" task (src/tasks/table.ts) that queues due digests at start, at each
// next send time and hourly.
import { analyticsReader } from "../store/sqlite/dashboard/dashboard-reader";
import type { AppContext } from "../context";
import type { JobRunner } from "../jobs/runner";
import type { TaskState } from "../tasks/runner";
import { queueDueDigests } from "./schedule";
import { REPORT_SEND_JOB, reportSendHandler } from "./send-job";

const MAX_SLEEP_MS = 3_600_000;
const RETRY_MS = 60_000;

export interface RunningReports {
  /** Queue whatever is due now; tests call it after moving the clock (errors are logged, 0 queued). */
  tick(): number;
  /** What the digests task runs: tick, but a failure is thrown to the task runner. */
  queueDue(): number;
  /** When the digests task is next due: at start, then the next send time (at most an hour away), a minute after a failure. */
  next(now: number, state: TaskState): number;
}

export function startReports(ctx: AppContext, runner: JobRunner): RunningReports {
  const { sqlite, db } = ctx.store;
  runner.register(
    REPORT_SEND_JOB,
    reportSendHandler({ sqlite, db, reader: { ...analyticsReader(sqlite, ctx.now), dashboard: ctx.store.events.dashboard, journeys: ctx.store.events.journeys }, mail: ctx.config.mail ?? null, publicUrl: ctx.config.publicUrl ?? null, now: ctx.now, log: ctx.log }),
  );
  let sleep = MAX_SLEEP_MS;
  const queueDue = (): number => {
    sleep = RETRY_MS;
    const r = queueDueDigests(sqlite, db, runner.queue, ctx.now());
    sleep = MAX_SLEEP_MS;
    if (r.nextAt !== null) sleep = Math.min(sleep, Math.max(1000, r.nextAt - ctx.now()));
    if (r.queued) runner.wake(0);
    return r.queued;
  };
  return {
    queueDue,
    tick() {
      try {
        return queueDue();
      } catch (e) {
        ctx.log(`reports: could not queue due digests: ${(e as Error).message}`);
        return 0;
      }
    },
    next: (now, state) => (state.runs === 0 ? now : now + sleep),
  };
}
