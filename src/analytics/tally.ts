// What a group of visits adds up to, as rollups and live queries both return it.

export interface Tally {
  visits: number;
  /** Visits with at least one conversion. */
  converted: number;
  conversions: number;
  pageviews: number;
  events: number;
  bounces: number;
  durationMs: number;
  /** Event dimensions: how many of those events (views of a page, times an event happened). */
  hits: number;
}

export const EMPTY_TALLY: Tally = Object.freeze({ visits: 0, converted: 0, conversions: 0, pageviews: 0, events: 0, bounces: 0, durationMs: 0, hits: 0 });

export interface TallyRow {
  visits: number | null;
  converted: number | null;
  conversions: number | null;
  pageviews: number | null;
  events: number | null;
  bounces: number | null;
  duration_ms: number | null;
  hits: number | null;
}

export function toTally(r: TallyRow | null | undefined): Tally {
  if (!r) return { ...EMPTY_TALLY };
  return {
    visits: r.visits ?? 0, converted: r.converted ?? 0, conversions: r.conversions ?? 0, pageviews: r.pageviews ?? 0,
    events: r.events ?? 0, bounces: r.bounces ?? 0, durationMs: r.duration_ms ?? 0, hits: r.hits ?? 0,
  };
}

export function addTally(a: Tally, b: Tally): Tally {
  return {
    visits: a.visits + b.visits, converted: a.converted + b.converted, conversions: a.conversions + b.conversions,
    pageviews: a.pageviews + b.pageviews, events: a.events + b.events, bounces: a.bounces + b.bounces,
    durationMs: a.durationMs + b.durationMs, hits: a.hits + b.hits,
  };
}

/** Revenue in minor units per currency, verified (sent with the secret key) and not. */
export type Revenue = Record<string, { verified: number; unverified: number }>;

export function addRevenue(into: Revenue, currency: string, verified: boolean | number, minor: number): Revenue {
  const r = (into[currency] ??= { verified: 0, unverified: 0 });
  if (verified) r.verified += minor;
  else r.unverified += minor;
  return into;
}

export function revenueTotal(r: Revenue | undefined, currency: string): number {
  const c = r?.[currency];
  return c ? c.verified + c.unverified : 0;
}

/** The currency with the most revenue, for charts that can show only one. */
export function mainCurrency(r: Revenue): string | null {
  let best: string | null = null;
  for (const c of Object.keys(r)) if (best === null || revenueTotal(r, c) > revenueTotal(r, best)) best = c;
  return best;
}

/** Revenue rows grouped by their dimension value. */
export function revenueByValue(rows: { value: string; currency: string; verified: number; minor: number }[]): Map<string, Revenue> {
  const out = new Map<string, Revenue>();
  for (const r of rows) {
    let rev = out.get(r.value);
    if (!rev) out.set(r.value, (rev = {}));
    addRevenue(rev, r.currency, r.verified, r.minor);
  }
  return out;
}
