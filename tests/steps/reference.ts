// The brute-force funnel report, written the plainest way: every event of every
// visitor, the step rules applied literally. The property test checks the real
// (SQL + pure maths) report against it.
import { breaksStrictOrder, eventMatchesStep, type StepsDefinition } from "../../src/funnels/steps-definition";

export interface RefEvent {
  rowId: number;
  visitor: string;
  ts: number;
  type: string;
  name: string;
  path: string | null;
  props: Record<string, string | number | boolean> | null;
  revenueMinor: number | null;
  currency: string | null;
  channel: string | null;
}

export interface RefStep {
  visitors: number;
  inProgress: number;
  dropped: number;
  medianMs: number | null;
  revenueMinor: Record<string, number>;
}

export interface RefVisitor {
  reached: number;
  status: string;
  entry: RefEvent;
  hitTimes: number[];
  revenueMinor: Record<string, number>;
}

/** How far one visitor got, trying every entry in the range. */
export function refVisitor(d: StepsDefinition, events: RefEvent[], from: number, to: number, now: number): RefVisitor | null {
  const n = d.steps.length;
  let best: RefVisitor | null = null;
  for (let i = 0; i < events.length; i++) {
    const start = events[i];
    if (start.ts < from || start.ts >= to || !eventMatchesStep(start, d.steps[0])) continue;
    const deadline = start.ts + d.windowMs;
    const times = [start.ts];
    for (let j = i + 1; j < events.length; j++) {
      const e = events[j];
      if (e.ts > deadline || times.length === n) break;
      const k = times.length;
      if (eventMatchesStep(e, d.steps[k])) times.push(e.ts);
      else if (d.order === "strict") {
        if (eventMatchesStep(e, d.steps[k - 1])) continue;
        if (breaksStrictOrder(e)) break;
      }
    }
    const revenueMinor: Record<string, number> = {};
    for (const e of events) {
      if (e.ts >= start.ts && e.ts <= deadline && e.type === "conversion" && e.revenueMinor !== null && e.currency && events.indexOf(e) >= i) {
        revenueMinor[e.currency] = (revenueMinor[e.currency] ?? 0) + e.revenueMinor;
      }
    }
    const status = times.length === n ? "completed" : now <= deadline ? "in_progress" : "dropped";
    const attempt = { reached: times.length, status, entry: start, hitTimes: times, revenueMinor };
    const complete = times.length === n;
    if (!best || attempt.reached > best.reached || (attempt.reached === best.reached && !complete)) best = attempt;
    if (complete) break;
  }
  return best;
}

export function refReport(d: StepsDefinition, all: RefEvent[], from: number, to: number, now: number) {
  const byVisitor = new Map<string, RefEvent[]>();
  for (const e of all) byVisitor.set(e.visitor, [...(byVisitor.get(e.visitor) ?? []), e]);
  const visitors: RefVisitor[] = [];
  for (const events of byVisitor.values()) {
    events.sort((a, b) => a.ts - b.ts || a.rowId - b.rowId);
    const v = refVisitor(d, events, from, to, now);
    if (v) visitors.push(v);
  }
  return { steps: refSteps(d, visitors), visitors };
}

export function refSteps(d: StepsDefinition, visitors: RefVisitor[]): RefStep[] {
  return d.steps.map((_, i) => {
    const at = visitors.filter((v) => v.reached > i);
    const gaps = i === 0 ? [] : at.map((v) => v.hitTimes[i] - v.hitTimes[i - 1]).sort((a, b) => a - b);
    const revenueMinor: Record<string, number> = {};
    for (const v of at) for (const [c, m] of Object.entries(v.revenueMinor)) revenueMinor[c] = (revenueMinor[c] ?? 0) + m;
    return {
      visitors: at.length,
      inProgress: at.filter((v) => v.reached === i + 1 && v.status === "in_progress").length,
      dropped: at.filter((v) => v.reached === i + 1 && v.status === "dropped").length,
      medianMs: gaps.length === 0 ? null : gaps.length % 2 ? gaps[(gaps.length - 1) / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2,
      revenueMinor,
    };
  });
}
