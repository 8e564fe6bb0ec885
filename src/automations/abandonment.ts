// Abandonment: a visitor reached step N but not step N+1 within a delay T. Reaching
// step N enqueues a check job due at (time reached + T); when it runs, the rule
// fires unless the visitor has reached step N+1 since.
import type { Job } from "../jobs/queue";
import type { JobHandler, JobOutcome } from "../jobs/runner";
import { Unavailable } from "../http/errors";
import { getSteps } from "../funnels/steps-definition";
import { conditionsHold } from "./match";
import { buildPayload, type StepInfo } from "./payload";
import { fireRule, ruleSummary } from "./fire";
import { getRuleById, type Rule } from "./rules";
import type { AutomationRuntime } from "./runtime";
import { reachesStep } from "./steps";

export const ABANDONMENT_JOB = "automation.abandonment_check";
/** How soon a check waiting for queued events looks again. */
const RECHECK_MS = 500;
/** How soon a check looks again when the event store (ClickHouse) is not answering. */
const STORE_RETRY_MS = 5000;

export interface AbandonmentCheck {
  automationId: string;
  funnelId: string;
  visitor: string;
  /** The step reached (1-based); the check looks for step + 1. */
  step: number;
  eventRowId: number;
  enteredAt: number;
  reachedAt: number;
}

export function scheduleAbandonmentCheck(
  rt: AutomationRuntime,
  rule: Rule,
  at: { visitor: string; eventRowId: number; enteredAt: number; reachedAt: number },
  now: number,
): void {
  if (rule.trigger.type !== "abandoned") return;
  const check: AbandonmentCheck = { automationId: rule.id, funnelId: rule.funnelId, step: rule.trigger.step, ...at };
  // Counted from when the step was reached; an event that arrives late is checked at once.
  rt.queue.enqueue(ABANDONMENT_JOB, check, now, { runAt: Math.max(now, at.reachedAt + rule.trigger.after * 1000), maxAttempts: 5 });
}

export function abandonmentHandler(rt: AutomationRuntime): JobHandler {
  return {
    // Async: with ClickHouse, the visitor's events are read over the network (rt.reads).
    async run(job) {
      try {
        return await decide(rt, job);
      } catch (e) {
        // The store is down, not the check at fault: look again later without counting an attempt.
        if (e instanceof Unavailable) return { kind: "release", at: rt.now() + STORE_RETRY_MS };
        throw e;
      }
    },
  };
}

/** Fires unless the visitor reached the next step, the rule was paused, or the event no longer matches. */
async function decide(rt: AutomationRuntime, job: Job): Promise<JobOutcome> {
  const check = JSON.parse(job.payload) as AbandonmentCheck;
  const rule = getRuleById(rt.db, check.automationId);
  if (!rule || rule.paused || rule.trigger.type !== "abandoned") return { kind: "done" };
  const def = getSteps(rt.db, check.funnelId);
  if (!def || check.step >= def.steps.length) return { kind: "done" };
  const now = rt.now();
  // Events accepted before the check was due may still wait to be processed (a run with
  // ClickHouse gathers up to a second; a backlog after an outage): decide once they are stored.
  const due = check.reachedAt + rule.trigger.after * 1000;
  const waiting = rt.oldestQueued();
  if (waiting !== null && waiting <= due) return { kind: "release", at: now + RECHECK_MS };
  const since = await rt.reads.timelineOf(check.funnelId, check.visitor, check.reachedAt, Math.max(now, check.reachedAt));
  if (reachesStep(since, def, check.step + 1)) return { kind: "done" };
  const event = await rt.reads.eventByRowId(check.eventRowId, { funnelId: check.funnelId, ts: check.reachedAt });
  if (!event || !conditionsHold(rule.conditions, event)) return { kind: "done" };
  const session = await rt.reads.sessionOf(check.funnelId, event.sessionId);
  // The visitor may have identified after reaching the step: who they are now.
  const contact = await rt.reads.contactById((await rt.reads.contactOfVisitor(check.funnelId, check.visitor)) ?? event.contactId);
  // The rule may have been paused while the lookups ran.
  const current = getRuleById(rt.db, check.automationId);
  if (!current || current.paused) return { kind: "done" };

  const step: StepInfo = {
    number: check.step,
    name: def.steps[check.step - 1].name,
    enteredAt: check.enteredAt,
    reachedAt: check.reachedAt,
    missedStep: { number: check.step + 1, name: def.steps[check.step].name },
    waitedSeconds: rule.trigger.after,
  };
  const body = () =>
    buildPayload("abandoned", now, {
      rule: ruleSummary(rule),
      funnel: rt.lookups.funnelById(check.funnelId) ?? { id: check.funnelId, name: "", url: "" },
      event,
      session,
      contact,
      step,
    });
  const occurrence = `abandoned:${check.visitor}:${check.step}:${check.enteredAt}`;
  return { kind: "done", record: () => void fireRule(rt, rule, occurrence, check.visitor, body, now) };
}
