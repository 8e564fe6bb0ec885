// Starts automations for a running server: the job runner that sends deliveries and
// runs abandonment checks. The listener that fires rules is installed with the other
// event listeners (src/pipeline/listeners.ts), wherever processing runs.
import type { AppContext } from "../context";
import { JobRunner } from "../jobs/runner";
import { ABANDONMENT_JOB, abandonmentHandler } from "./abandonment";
import { DELIVER_JOB, DELIVERY_LOG_DAYS } from "./deliveries";
import { deliveryHandler } from "./delivery-job";
import { automationRuntime } from "./runtime";

export interface RunningAutomations {
  runner: JobRunner;
  /** Deletes delivery log rows past DELIVERY_LOG_DAYS (the hourly "delivery-log" task of src/tasks/table.ts). */
  pruneDeliveryLog(): void;
  /** Stops the runner; in-flight deliveries finish or are left due again. */
  stop(): Promise<void>;
}

export function startAutomations(ctx: AppContext): RunningAutomations {
  const rt = automationRuntime(ctx);
  const runner = new JobRunner(ctx.store.sqlite, { now: () => ctx.now(), log: ctx.log });
  runner.register(DELIVER_JOB, deliveryHandler(rt)).register(ABANDONMENT_JOB, abandonmentHandler(rt));
  rt.runner = runner;
  runner.start();
  return {
    runner,
    pruneDeliveryLog() {
      rt.sqlite.transaction(() => rt.deliveries.prune(ctx.now() - DELIVERY_LOG_DAYS * 86_400_000))();
    },
    async stop() {
      await runner.stop();
      rt.runner = null;
    },
  };
}
