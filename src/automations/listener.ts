// Runs inside the ingest transaction for every batch of new events: finds the rules
// they trigger and enqueues a delivery (or, for abandonment, a later check) for each,
// atomically with the events. No network, only indexed reads.
import type { EventView } from "../store/dashboard-views";
import type { AppContext, EventsListener, NewContact } from "../context";
import { getSteps, type Step, type StepsDefinition } from "../funnels/steps-definition";
import { storedToView, type StoredEvent } from "../pipeline/stored-event";
import { scheduleAbandonmentCheck } from "./abandonment";
import { fireRule, ruleSummary } from "./fire";
import { conditionsHold, triggerMatches } from "./match";
import { isStepRule, matchesAny, watchedSteps } from "./needs";
import { buildPayload, type StepInfo } from "./payload";
import type { Rule } from "./rules";
import { automationRuntime, type AutomationRuntime } from "./runtime";
import { stepReachedBy } from "./steps";

export function automationListener(ctx: AppContext): EventsListener {
  const rt = automationRuntime(ctx);
  return (events, { newContacts }) => {
    const now = ctx.now();
    let fired = false;
    const funnelIds = new Set([...events.map((e) => e.funnelId), ...newContacts.map((c) => c.funnelId)]);
    for (const funnelId of funnelIds) {
      const rules = rt.rules.active(funnelId);
      if (!rules.length) continue;
      const batch = new FunnelBatch(rt, funnelId, rules, now);
      for (const e of events) if (e.funnelId === funnelId) batch.onEvent(e);
      for (const c of newContacts) if (c.funnelId === funnelId) batch.onContact(c, events);
      fired ||= batch.fired;
    }
    if (fired) rt.wake();
  };
}

/** The rules of one funnel against one batch's events. */
class FunnelBatch {
  fired = false;
  private eventRules: Rule[];
  private contactRules: Rule[];
  private stepRules: Rule[];
  private steps: StepsDefinition | null | undefined;
  private watched: Step[] | undefined;
  private funnel;

  constructor(
    private rt: AutomationRuntime,
    private funnelId: string,
    rules: Rule[],
    private now: number,
  ) {
    this.eventRules = rules.filter((r) => r.trigger.type === "event" || r.trigger.type === "conversion");
    this.contactRules = rules.filter((r) => r.trigger.type === "contact_created");
    this.stepRules = rules.filter(isStepRule);
    this.funnel = rt.lookups.funnelById(funnelId) ?? { id: funnelId, name: "", url: "" };
  }

  onEvent(e: StoredEvent): void {
    if (!this.eventRules.length && !this.stepRules.length) return;
    const view = storedToView(e);
    for (const rule of this.eventRules) {
      if (!triggerMatches(rule.trigger, view) || !conditionsHold(rule.conditions, view)) continue;
      this.fire(rule, `event:${e.id}`, e.anonymousId, () => this.payload(rule, view, e.contactId));
    }
    if (this.stepRules.length) this.onStepEvent(e, view);
  }

  onContact(c: NewContact, events: StoredEvent[]): void {
    if (!this.contactRules.length) return;
    const e = events.find((x) => x.rowId === c.eventRowId);
    const view = e ? storedToView(e) : this.rt.lookups.eventByRowId(c.eventRowId);
    if (!view) return;
    for (const rule of this.contactRules) {
      if (!conditionsHold(rule.conditions, view)) continue;
      this.fire(rule, `contact:${c.contactId}`, c.anonymousId, () => this.payload(rule, view, c.contactId));
    }
  }

  private onStepEvent(e: StoredEvent, view: EventView): void {
    if (this.steps === undefined) this.steps = getSteps(this.rt.db, this.funnelId);
    const def = this.steps;
    if (!def) return;
    // Reaching step N takes an event that matches step N: most events stop here, before any query.
    this.watched ??= watchedSteps(this.stepRules, def);
    if (!matchesAny(this.watched, view)) return;
    const history = this.rt.lookups.timelineOf(this.funnelId, e.anonymousId, e.ts - def.windowMs, e.ts);
    const reached = stepReachedBy(history, def, e.rowId);
    if (!reached) return;
    for (const rule of this.stepRules) {
      if (!("step" in rule.trigger) || rule.trigger.step !== reached.step || !conditionsHold(rule.conditions, view)) continue;
      const stepName = def.steps[reached.step - 1].name;
      if (rule.trigger.type === "step_reached") {
        const step: StepInfo = { number: reached.step, name: stepName, enteredAt: reached.enteredAt, reachedAt: e.ts };
        this.fire(rule, `step:${e.anonymousId}:${reached.step}:${reached.enteredAt}`, e.anonymousId, () => this.payload(rule, view, e.contactId, step));
      } else if (reached.step < def.steps.length) {
        scheduleAbandonmentCheck(this.rt, rule, { visitor: e.anonymousId, eventRowId: e.rowId, enteredAt: reached.enteredAt, reachedAt: e.ts }, this.now);
      }
    }
  }

  private fire(rule: Rule, occurrence: string, visitor: string, body: () => string): void {
    if (fireRule(this.rt, rule, occurrence, visitor, body, this.now)) this.fired = true;
  }

  private payload(rule: Rule, event: EventView, contactId: number | null, step?: StepInfo): string {
    const session = this.rt.lookups.sessionOf(this.funnelId, event.sessionId);
    const contact = this.rt.lookups.contactById(contactId);
    return buildPayload(rule.trigger.type, this.now, { rule: ruleSummary(rule), funnel: this.funnel, event, session, contact, step });
  }
}
