// Which events can make a visitor reach a step a funnel's step rules watch, and what an
// event store over the network must load for a run so that the listener can follow
// those visitors (their timelines, a steps window back).
import { eventMatchesStep, getSteps, type MatchableEvent, type Step, type StepsDefinition } from "../funnels/steps-definition";
import type { TimelineNeed } from "../store/event-writer";
import type { Rule } from "./rules";
import type { AutomationRuntime } from "./runtime";

export const isStepRule = (r: Rule) => r.trigger.type === "step_reached" || r.trigger.type === "abandoned";

/** The steps some rule fires on: reaching one takes an event that matches it. */
export function watchedSteps(stepRules: Rule[], def: StepsDefinition): Step[] {
  return def.steps.filter((_, i) => stepRules.some((r) => "step" in r.trigger && r.trigger.step === i + 1));
}

export function matchesAny(steps: Step[], e: MatchableEvent): boolean {
  return steps.some((s) => eventMatchesStep(e, s));
}

/** Per funnel: whose timelines the run's step rules will ask for (null: none). */
export function timelineNeeds(rt: AutomationRuntime): (funnelId: string) => TimelineNeed | null {
  return (funnelId) => {
    const rules = rt.rules.active(funnelId).filter(isStepRule);
    if (!rules.length) return null;
    const def = getSteps(rt.db, funnelId);
    const steps = def ? watchedSteps(rules, def) : [];
    if (!def || !steps.length) return null;
    return { lookbackMs: def.windowMs, wants: (e) => matchesAny(steps, e) };
  };
}
