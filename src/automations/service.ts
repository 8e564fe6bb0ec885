// What the API, the dashboard and the CLI do with rules: validate, save, pause,
// delete, send a test delivery, resend. Errors are domain errors (src/http/errors.ts).
import type { z } from "zod";
import { getFunnel } from "../funnels/store";
import { getSteps } from "../funnels/steps-definition";
import { Conflict, InvalidInput, NotFound } from "../http/errors";
import { zodErrors } from "../ingest/payload";
import { ruleSummary } from "./fire";
import type { DeliveryRow, Attempt } from "./deliveries";
import { testPayload } from "./payload";
import { createRuleSchema, updateRuleSchema, type Action, type Trigger } from "./rule-schema";
import { deleteRuleRow, getRule, insertRule, listRules, rotateRuleSecret, updateRule, type Rule } from "./rules";
import type { AutomationRuntime } from "./runtime";
import { checkWebhookTarget, parseWebhookUrl, UnsafeUrlError } from "./ssrf";

const SAVE_LOOKUP_TIMEOUT_MS = 5000;

function parse<T extends z.ZodType>(schema: T, json: unknown): z.output<T> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const details = zodErrors("", r.error).map((e) => ({ path: e.path || "(body)", message: e.message }));
  throw new InvalidInput("invalid_rule", details.map((d) => `${d.path}: ${d.message}`).join("; "), { details });
}

function requireFunnel(rt: AutomationRuntime, funnelId: string): void {
  if (!getFunnel(rt.db, funnelId)) throw new NotFound("not_found", `no funnel with id ${funnelId}`);
}

function requireRule(rt: AutomationRuntime, funnelId: string, ruleId: string): Rule {
  const rule = getRule(rt.db, funnelId, ruleId);
  if (!rule) throw new NotFound("not_found", `no automation ${ruleId} in funnel ${funnelId}`);
  return rule;
}

/** Step triggers need the funnel's steps, and a step that exists (and a next one, for abandonment). */
function checkTrigger(rt: AutomationRuntime, funnelId: string, trigger: Trigger): void {
  if (trigger.type !== "step_reached" && trigger.type !== "abandoned") return;
  const def = getSteps(rt.db, funnelId);
  if (!def) throw new InvalidInput("invalid_rule", "trigger.step: this funnel has no steps defined yet; define them first");
  const n = def.steps.length;
  if (trigger.step > n) throw new InvalidInput("invalid_rule", `trigger.step: the funnel has ${n} steps, there is no step ${trigger.step}`);
  if (trigger.type === "abandoned" && trigger.step === n) {
    throw new InvalidInput("invalid_rule", `trigger.step: step ${n} is the last step, so nothing can be abandoned after it`);
  }
}

/** Refuses URLs that are not http(s) or that point into a private network (unless allowed). */
export async function checkActionUrl(rt: AutomationRuntime, action: Action): Promise<void> {
  try {
    const url = parseWebhookUrl(action.url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("DNS lookup timed out")), SAVE_LOOKUP_TIMEOUT_MS)));
    await Promise.race([checkWebhookTarget(url, rt.allowPrivate, rt.lookup), slow]).finally(() => clearTimeout(timer));
  } catch (e) {
    if (e instanceof UnsafeUrlError) throw new InvalidInput("unsafe_url", `action.url: ${e.message}`, { path: "action.url", details: [{ path: "action.url", message: e.message }] });
    // A host that does not resolve yet is allowed: it is checked again before every delivery.
  }
}

export async function createAutomation(rt: AutomationRuntime, funnelId: string, json: unknown): Promise<Rule> {
  requireFunnel(rt, funnelId);
  const input = parse(createRuleSchema, json);
  checkTrigger(rt, funnelId, input.trigger);
  await checkActionUrl(rt, input.action);
  const rule = insertRule(rt.db, funnelId, input, rt.now());
  rt.rules.invalidate(funnelId);
  return rule;
}

export async function editAutomation(rt: AutomationRuntime, funnelId: string, ruleId: string, json: unknown): Promise<Rule> {
  requireRule(rt, funnelId, ruleId);
  const changes = parse(updateRuleSchema, json);
  if (changes.trigger) checkTrigger(rt, funnelId, changes.trigger);
  if (changes.action) await checkActionUrl(rt, changes.action);
  const rule = updateRule(rt.db, funnelId, ruleId, changes, rt.now());
  if (!rule) throw new NotFound("not_found", `no automation ${ruleId} in funnel ${funnelId}`);
  rt.rules.invalidate(funnelId);
  return rule;
}

/** Deletes the rule with its firings and delivery log; queued deliveries find nothing to send. */
export function deleteAutomation(rt: AutomationRuntime, funnelId: string, ruleId: string): void {
  requireRule(rt, funnelId, ruleId);
  rt.sqlite.transaction(() => {
    rt.deliveries.forgetRule(ruleId);
    rt.firings.forgetRule(ruleId);
    deleteRuleRow(rt.db, funnelId, ruleId);
  })();
  rt.rules.invalidate(funnelId);
}

export function listAutomations(rt: AutomationRuntime, funnelId: string): Rule[] {
  requireFunnel(rt, funnelId);
  return listRules(rt.db, funnelId);
}

export function getAutomation(rt: AutomationRuntime, funnelId: string, ruleId: string): Rule {
  return requireRule(rt, funnelId, ruleId);
}

export function rotateAutomationSecret(rt: AutomationRuntime, funnelId: string, ruleId: string): string {
  requireRule(rt, funnelId, ruleId);
  return rotateRuleSecret(rt.db, funnelId, ruleId, rt.now())!;
}

/** Queues a sample payload (type "aurea.test") through the normal delivery path. Works on paused rules too. */
export function sendTestDelivery(rt: AutomationRuntime, funnelId: string, ruleId: string): string {
  const rule = requireRule(rt, funnelId, ruleId);
  const funnel = rt.lookups.funnelById(funnelId)!;
  const now = rt.now();
  const id = rt.sqlite.transaction(() =>
    rt.deliveries.create({ automationId: rule.id, funnelId, body: testPayload(ruleSummary(rule), funnel, now), test: true }, now),
  )();
  rt.wake();
  return id;
}

/** The same message again (same webhook-id), with a fresh retry schedule. */
export function resendDelivery(rt: AutomationRuntime, funnelId: string, ruleId: string, deliveryId: string): void {
  requireRule(rt, funnelId, ruleId);
  const d = rt.deliveries.get(deliveryId);
  if (!d || d.automationId !== ruleId) throw new NotFound("not_found", `no delivery ${deliveryId} for automation ${ruleId}`);
  if (d.status === "pending") throw new Conflict("already_pending", `delivery ${deliveryId} is already queued`);
  rt.sqlite.transaction(() => rt.deliveries.resend(deliveryId, rt.now()))();
  rt.wake();
}

export interface DeliveryLogEntry extends DeliveryRow {
  attemptsLog?: Attempt[];
}

export function deliveryLog(rt: AutomationRuntime, funnelId: string, ruleId: string, limit = 50): DeliveryLogEntry[] {
  requireRule(rt, funnelId, ruleId);
  return rt.deliveries.listForRule(ruleId, limit);
}

export function deliveryDetail(rt: AutomationRuntime, funnelId: string, ruleId: string, deliveryId: string) {
  requireRule(rt, funnelId, ruleId);
  const d = rt.deliveries.get(deliveryId);
  if (!d || d.automationId !== ruleId) throw new NotFound("not_found", `no delivery ${deliveryId} for automation ${ruleId}`);
  return { ...d, body: JSON.parse(d.body) as unknown, attemptsLog: rt.deliveries.attempts(deliveryId) };
}
