// The server's periodic tasks, in one table (like GoatCounter's cron/tasks.go): what
// runs, how often, and what it calls. Each module keeps the work itself; the runner
// (./runner.ts) plans, logs failures by name, never overlaps a task with itself, and
// stops them with the server. Job retries (src/jobs/runner.ts) are a queue, not a
// period, and stay there; the checkpoint task lives with the checkpointer
// (src/db/checkpointer.ts), and the reader statistics are refreshed per connection
// (see ARCHITECTURE.md, "Periodic tasks").
import type { RunningAlerts } from "../alerts/start";
import type { RunningAutomations } from "../automations/start";
import { backupTask } from "../backup/schedule";
import { VERSION } from "../cli/version";
import type { AppContext } from "../context";
import { retentionPass } from "../jobs/retention";
import type { RunningReports } from "../reports/start";
import type { Task } from "./runner";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface TaskParts {
  automations: Pick<RunningAutomations, "pruneDeliveryLog" | "runner">;
  alerts: Pick<RunningAlerts, "check">;
  reports: Pick<RunningReports, "queueDue" | "next">;
}

export function serverTasks(ctx: AppContext, parts: TaskParts): Task[] {
  const tasks: Task[] = [
    // Deletes what is past each funnel's retention; chunked, so it stops between chunks.
    { name: "retention", everyMs: DAY_MS, atStart: true, run: ({ signal }) => retentionPass(ctx, signal) },
    // Queues due email digests: at the next send time, at least hourly, a minute after a failure.
    { name: "digests", next: parts.reports.next, run: () => parts.reports.queueDue() },
    // Checks periodic alert rules (a firing is recorded once per window).
    { name: "alerts", everyMs: 5 * MINUTE_MS, run: () => parts.alerts.check() },
    // Deletes webhook delivery log rows past their days.
    { name: "delivery-log", everyMs: HOUR_MS, run: () => parts.automations.pruneDeliveryLog() },
    // Deletes finished jobs past their retention (the job runner only claims and runs).
    { name: "jobs-purge", everyMs: HOUR_MS, atStart: true, run: ({ now }) => parts.automations.runner.queue.purgeDone(now()) },
  ];
  const backup = ctx.config.backup;
  if (backup) tasks.push(backupTask({ ...backup, dataDir: ctx.config.dataDir, version: VERSION }));
  return tasks;
}
