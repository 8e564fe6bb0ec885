// Alerts in a running server: the mail job on the job runner, and a check of every
// periodic rule (the "alerts" task of src/tasks/table.ts, every few minutes; a firing
// is recorded once per window).
import { analyticsReader } from "../store/sqlite/dashboard/dashboard-reader";
import { automationRuntime } from "../automations/runtime";
import type { AppContext } from "../context";
import { getFunnel } from "../funnels/store";
import type { JobRunner } from "../jobs/runner";
import { funnelTimeZone } from "../reports/zone";
import { checkRule, type CheckDeps } from "./checks";
import { ALERT_MAIL_JOB, fireAlert } from "./firings";
import { alertMailHandler } from "./mail-job";
import { listAlerts } from "./rules";

export async function runAlertChecks(ctx: AppContext, runner: JobRunner, deps: CheckDeps): Promise<number> {
  const { sqlite, db } = ctx.store;
  const now = ctx.now();
  let fired = 0;
  for (const rule of listAlerts(sqlite)) {
    const funnel = getFunnel(db, rule.funnelId);
    if (!funnel) continue;
    try {
      const f = await checkRule(deps, rule, funnel, now);
      if (f && sqlite.transaction(() => fireAlert(sqlite, runner.queue, rule, f.windowKey, f, now)).immediate()) fired++;
    } catch (e) {
      ctx.log(`alerts: checking ${rule.id} (${rule.kind}) failed: ${(e as Error).message}`);
    }
  }
  if (fired) runner.wake(0);
  return fired;
}

export interface RunningAlerts {
  /** Checks every periodic rule now; returns how many fired. */
  check(): Promise<number>;
  deps: CheckDeps;
}

export function startAlerts(ctx: AppContext, runner: JobRunner, overrides: Partial<CheckDeps> = {}): RunningAlerts {
  runner.register(ALERT_MAIL_JOB, alertMailHandler(ctx.config.mail ?? null, ctx.now, ctx.log));
  const deps: CheckDeps = {
    reader: { ...analyticsReader(ctx.store.sqlite, ctx.now), dashboard: ctx.store.events.dashboard, journeys: ctx.store.events.journeys },
    queueDb: ctx.store.queue,
    deliveries: automationRuntime(ctx).deliveries,
    dataDir: ctx.config.dataDir,
    zoneOf: (id) => funnelTimeZone(ctx.store.db, id),
    ...overrides,
  };
  return { check: () => runAlertChecks(ctx, runner, deps), deps };
}
