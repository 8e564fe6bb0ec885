// Where a visitor is in the funnel's steps. Pure: given the visitor's events (oldest
// first), say which step an event made them reach, and in which run of the funnel.
//
// A run starts at the first event matching step 1 and lasts the funnel's window.
// Within it, each event matching the next step moves the visitor on by one. In
// "strict" order, any other action (breaksStrictOrder) that is not a repeat of the
// current step ends the run. A new run starts at the next step-1 event after one
// ends. The run's start time is what makes a trigger occurrence unique: reloading
// the checkout page does not reach "checkout" a second time.
import { breaksStrictOrder, eventMatchesStep, type MatchableEvent, type StepsDefinition } from "../funnels/steps-definition";

export interface TimedEvent extends MatchableEvent {
  ts: number;
  rowId: number;
}

export interface StepReached {
  /** 1-based step number. */
  step: number;
  enteredAt: number;
}

/** The step `target` made its visitor reach, or null when it moved them nowhere new. */
export function stepReachedBy(events: TimedEvent[], def: StepsDefinition, targetRowId: number): StepReached | null {
  let run: { enteredAt: number; reached: number } | null = null;
  for (const e of events) {
    if (run && e.ts - run.enteredAt > def.windowMs) run = null;
    let advanced = false;
    if (run && run.reached < def.steps.length && eventMatchesStep(e, def.steps[run.reached])) {
      run.reached++;
      advanced = true;
    } else if (run && def.order === "strict" && breaksStrictOrder(e) && !eventMatchesStep(e, def.steps[run.reached - 1])) {
      run = null;
    }
    if (!run && eventMatchesStep(e, def.steps[0])) {
      run = { enteredAt: e.ts, reached: 1 };
      advanced = true;
    }
    if (e.rowId === targetRowId) return advanced && run ? { step: run.reached, enteredAt: run.enteredAt } : null;
  }
  return null;
}

/** Whether any of the events is a hit for step `step` (1-based). */
export function reachesStep(events: MatchableEvent[], def: StepsDefinition, step: number): boolean {
  const s = def.steps[step - 1];
  return s !== undefined && events.some((e) => eventMatchesStep(e, s));
}
