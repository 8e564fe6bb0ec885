// How far one visitor got through a funnel, from their candidate events. Pure: no
// SQL, no clock. The rules (README, "Funnel steps"):
// - Every hit of step 1 inside [from, to) is a possible start. From a start, the
//   visitor has windowMs (inclusive) to reach the later steps in order.
// - sequential: other events may come between steps; the earliest hit of the next
//   step is taken (which is never worse than any later one).
// - strict: the next step must be the very next order-breaking event (page view,
//   conversion or custom event other than scroll/section/form auto-captures). A
//   repeat of the current step (a reload) keeps the chain alive.
// - One event is a hit for at most one step of a given journey.
// - The attempt that got furthest counts. Ties: for visitors who finished, their
//   first finish; for the others, their latest attempt (so one who came back shows
//   as in progress rather than dropped).
import type { StepOrder } from "../funnels/steps-definition";

export interface JourneyEvent {
  ts: number;
  /** Bit i set when this event is a hit for step i (0-based). */
  matches: number;
  /** Whether it counts as the visitor's next action in strict order. */
  breaks: boolean;
  /** Order-breaking events of this visitor up to and including this one (strict mode). */
  order: number;
  revenue: { currency: string; minor: number } | null;
  /** The breakdown value, read when this event is the entry. */
  dim?: string | null;
}

export interface VisitorJourney {
  visitor: string;
  /** Sorted by time (ties by row id). */
  events: JourneyEvent[];
}

export type ProgressStatus = "completed" | "in_progress" | "dropped";

export interface Progress {
  visitor: string;
  /** Number of steps reached, 1..steps. */
  reached: number;
  /** The event that counted for each reached step. */
  hits: JourneyEvent[];
  deadline: number;
  status: ProgressStatus;
  /** Revenue of conversions from entry to the deadline, minor units by currency. */
  revenue: Record<string, number>;
}

export interface ProgressRules {
  stepCount: number;
  windowMs: number;
  order: StepOrder;
  from: number;
  to: number;
  now: number;
}

const has = (e: JourneyEvent, step: number) => (e.matches & (1 << step)) !== 0;

function follow(events: JourneyEvent[], startIndex: number, r: ProgressRules): JourneyEvent[] {
  const start = events[startIndex];
  const deadline = start.ts + r.windowMs;
  const hits = [start];
  let position = start; // the last event that kept the chain going (strict)
  for (let j = startIndex + 1; j < events.length && hits.length < r.stepCount; j++) {
    const e = events[j];
    if (e.ts > deadline) break;
    const next = hits.length;
    if (r.order === "sequential") {
      if (has(e, next)) hits.push(e);
      continue;
    }
    // Only candidate events are here: a gap in `order` means an unseen action came between.
    if (e.order - (e.breaks ? 1 : 0) !== position.order) break;
    if (has(e, next)) {
      hits.push(e);
      position = e;
    } else if (has(e, next - 1)) position = e;
    else if (e.breaks) break;
  }
  return hits;
}

export function visitorProgress(journey: VisitorJourney, r: ProgressRules): Progress | null {
  const { events } = journey;
  let best: JourneyEvent[] | null = null;
  let bestStart = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!has(e, 0) || e.ts < r.from || e.ts >= r.to) continue;
    const hits = follow(events, i, r);
    const complete = hits.length === r.stepCount;
    if (!best || hits.length > best.length || (hits.length === best.length && !complete)) {
      best = hits;
      bestStart = i;
    }
    if (complete) break;
  }
  if (!best) return null;
  const start = events[bestStart];
  const deadline = start.ts + r.windowMs;
  const revenue: Record<string, number> = {};
  for (let j = bestStart; j < events.length && events[j].ts <= deadline; j++) {
    const rev = events[j].revenue;
    if (rev) revenue[rev.currency] = (revenue[rev.currency] ?? 0) + rev.minor;
  }
  const status: ProgressStatus = best.length === r.stepCount ? "completed" : r.now <= deadline ? "in_progress" : "dropped";
  return { visitor: journey.visitor, reached: best.length, hits: best, deadline, status, revenue };
}
