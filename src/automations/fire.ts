// Firing a rule for one trigger occurrence: cooldown, at-most-once, then a delivery.
import type { Rule } from "./rules";
import type { AutomationRuntime } from "./runtime";

/** Runs in the caller's transaction. False when the rule did not fire (cooldown, or already fired). */
export function fireRule(rt: AutomationRuntime, rule: Rule, occurrence: string, visitor: string, body: () => string, now: number): boolean {
  if (rule.cooldownSeconds && rt.firings.firedSince(rule.id, visitor, now - rule.cooldownSeconds * 1000)) return false;
  if (!rt.firings.claim(rule.id, occurrence, visitor, now)) return false;
  rt.deliveries.create({ automationId: rule.id, funnelId: rule.funnelId, body: body() }, now);
  return true;
}

/** The rule as the payload names it. */
export function ruleSummary(rule: Rule) {
  return { id: rule.id, name: rule.name, trigger: rule.trigger };
}
