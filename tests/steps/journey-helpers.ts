// Hand-made journeys for the pure funnel maths: compact events in, JourneyEvents out.
import type { JourneyEvent, VisitorJourney } from "../../src/analytics/funnel-progress";
import { breaksStrictOrder, eventMatchesStep, parseSteps, type StepsDefinition } from "../../src/funnels/steps-definition";

export interface RawEvent {
  ts: number;
  type: string;
  name: string;
  path: string | null;
  props: Record<string, string | number | boolean> | null;
  revenue?: { currency: string; minor: number } | null;
  dim?: string | null;
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2026, 0, 10);

/** `page(5, "/pricing")`: a page view 5 minutes after T0. */
export const page = (min: number, path: string, dim?: string): RawEvent => ({ ts: T0 + min * MIN, type: "page_view", name: "page_view", path, props: null, dim });
export const track = (min: number, name: string, props: RawEvent["props"] = null): RawEvent => ({ ts: T0 + min * MIN, type: "track", name, path: null, props });
export const convert = (min: number, name: string, amount?: number, props: RawEvent["props"] = null): RawEvent => ({
  ts: T0 + min * MIN, type: "conversion", name, path: null, props,
  revenue: amount === undefined ? null : { currency: "USD", minor: Math.round(amount * 100) },
});
export const identify = (min: number): RawEvent => ({ ts: T0 + min * MIN, type: "identify", name: "identify", path: null, props: null });

export function def(json: unknown): StepsDefinition {
  const r = parseSteps(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/** Annotates a visitor's events (sorted by time, stable) the way the journeys query does. */
export function journey(d: StepsDefinition, visitor: string, raw: RawEvent[]): VisitorJourney {
  const sorted = raw.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  let order = 0;
  const events: JourneyEvent[] = sorted.map(({ e }) => {
    const breaks = breaksStrictOrder(e);
    if (breaks) order++;
    let matches = 0;
    d.steps.forEach((s, k) => eventMatchesStep(e, s) && (matches |= 1 << k));
    return { ts: e.ts, matches, breaks, order, revenue: e.revenue ?? null, dim: e.dim ?? null };
  });
  return { visitor, events };
}

/** Small, seedable PRNG (mulberry32) so a failure can be replayed from its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}
