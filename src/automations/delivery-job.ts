// The job that sends one delivery: one attempt per run, its outcome (the attempt log
// row, the delivery's status and the job's next state) written in one transaction.
import type { JobHandler, JobOutcome } from "../jobs/runner";
import { nextRetryDelay } from "./backoff";
import { sendWebhook } from "./deliver";
import type { Attempt } from "./deliveries";
import { getRuleById } from "./rules";
import type { AutomationRuntime } from "./runtime";

export function deliveryHandler(rt: AutomationRuntime): JobHandler {
  return {
    async run(job, signal): Promise<JobOutcome> {
      const { deliveryId } = JSON.parse(job.payload) as { deliveryId: string };
      const delivery = rt.deliveries.get(deliveryId);
      // Deleted with its rule, or already delivered by an earlier job: nothing to send.
      if (!delivery || delivery.status !== "pending") return { kind: "done" };
      const rule = getRuleById(rt.db, delivery.automationId);
      const at = rt.now();
      if (!rule) return { kind: "done" };

      const result = await sendWebhook(
        { url: rule.action.url, headers: rule.action.headers ?? {}, body: delivery.body, id: delivery.id, secret: rule.secret },
        { allowPrivate: rt.allowPrivate, timeoutMs: rt.timeoutMs, signal, lookup: rt.lookup, now: rt.now },
      );
      if (result.aborted) return { kind: "release" };

      const attempt: Attempt = {
        attempt: delivery.attempts + 1,
        at,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        responseSnippet: result.snippet,
        error: result.error,
      };
      const now = rt.now();
      if (result.verdict === "delivered") return { kind: "done", record: () => rt.deliveries.record(delivery, attempt, "delivered", now) };
      const error = result.error ?? "failed";
      if (result.verdict === "retry") {
        const delay = nextRetryDelay(job.attempts, result.retryAfterMs, rt.backoff);
        if (delay !== null) return { kind: "retry", at: now + delay, error, record: () => rt.deliveries.record(delivery, attempt, "pending", now) };
        attempt.error = `${error} (gave up after ${job.attempts} attempts)`;
      }
      return { kind: "failed", error, record: () => rt.deliveries.record(delivery, attempt, "failed", now) };
    },
  };
}
