// Scheduled digests in a running server: the send job on the server's job runner, and
// a timer that queues due digests at start, at each next send time and hourly.
import { analyticsReader } from "../store/sqlite/dashboard/dashboard-reader";
import type { AppContext } from "../context";
import type { JobRunner } from "../jobs/runner";
import { queueDueDigests } from "./schedule";
import { REPORT_SEND_JOB, reportSendHandler } from "./send-job";

const MAX_SLEEP_MS = 3_600_000;

export interface RunningReports {
  /** Queue whatever is due now (also what the timer calls). */
  tick(): number;
  stop(): void;
}

export function startReports(ctx: AppContext, runner: JobRunner): RunningReports {
  const { sqlite, db } = ctx.store;
  runner.register(
    REPORT_SEND_JOB,
    reportSendHandler({ sqlite, db, reader: analyticsReader(sqlite, ctx.now), mail: ctx.config.mail ?? null, publicUrl: ctx.config.publicUrl ?? null, now: ctx.now, log: ctx.log }),
  );
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tick = (): number => {
    if (timer) clearTimeout(timer);
    timer = null;
    let sleep = MAX_SLEEP_MS;
    let queued = 0;
    try {
      const r = queueDueDigests(sqlite, db, runner.queue, ctx.now());
      queued = r.queued;
      if (r.nextAt !== null) sleep = Math.min(sleep, Math.max(1000, r.nextAt - ctx.now()));
      if (queued) runner.wake(0);
    } catch (e) {
      ctx.log(`reports: could not queue due digests: ${(e as Error).message}`);
      sleep = 60_000;
    }
    if (!ctx.stopping) {
      timer = setTimeout(tick, sleep);
      timer.unref?.();
    }
    return queued;
  };
  tick();
  return {
    tick,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
