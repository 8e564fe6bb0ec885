// What a founder sees of a funnel, asked of one store's readers: every dashboard number
// (totals, chart, panels under several filters), lists, one visit, one contact, exports,
// revenue, the live card and feed, and the funnel report with its drill-downs. Asked of
// SQLite before and of ClickHouse after `aurea events migrate`, the answers must be equal.
import { DIMENSION_KEYS } from "../../src/analytics/dimensions";
import type { Filter, Scope } from "../../src/analytics/filters";
import { stepsReport } from "../../src/analytics/steps-report";
import type { DashboardReader } from "../../src/store/dashboard-reader";
import type { JourneyReader } from "../../src/store/journey-reader";
import { def } from "../steps/journey-helpers";

export interface Readers {
  dashboard: DashboardReader;
  journeys: JourneyReader;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const FILTERS: [string, Filter[]][] = [
  ["no filter", []],
  ["source=facebook", [{ key: "source", value: "facebook" }]],
  ["page=/pricing", [{ key: "page", value: "/pricing" }]],
  ["device=mobile", [{ key: "device", value: "mobile" }]],
  ["event=checkout_initiated", [{ key: "event", value: "checkout_initiated" }]],
];

export const FIVE_STEPS = def({
  window: "1d",
  steps: [
    { name: "Visit", page: "/*" },
    { name: "Pricing", page: "/pricing" },
    { name: "Checkout", event: "checkout_*" },
    { name: "Buy", event: "$conversion" },
    { name: "Again", page: "/*" },
  ],
});

/** Every answer, keyed by what was asked. */
export async function ask(r: Readers, funnelId: string, now: number, days: number, opts: { sessionId?: string } = {}): Promise<Record<string, unknown>> {
  const from = now - days * DAY;
  const to = now + MIN;
  const scope = (filters: Filter[] = []): Scope => ({ funnelId, from, to, filters });
  const out: Record<string, unknown> = {};
  for (const [label, filters] of FILTERS) {
    out[`overview ${label}`] = await r.dashboard.overview({ scope: scope(filters), previous: { from: from - days * DAY, to: from }, historyStart: null, knownVisitors: null, now });
    for (const metric of ["visitors", "pageviews", "conversions", "revenue"] as const) {
      const s = await r.dashboard.series({ scope: scope(filters), bucket: "day", tz: "Europe/Berlin", metric, historyStart: null, now });
      out[`series ${metric} ${label}`] = { ...s, totalVisitors: null };
    }
    for (const dim of DIMENSION_KEYS) out[`breakdown ${dim} ${label}`] = await r.dashboard.breakdown({ scope: scope(filters), dim, limit: 50, now });
  }
  out.sessions = await r.dashboard.browseSessions({ scope: scope(), limit: 100, before: null });
  const contacts = await r.dashboard.browseContacts({ scope: scope(), limit: 100, before: null });
  out.contacts = contacts;
  for (const c of contacts.contacts.slice(0, 3)) {
    const one = await r.dashboard.contact({ funnelId, contactId: c.id });
    out[`contact ${c.id}`] = one && { ...one, contact: { ...one.contact, visitorIds: [...one.contact.visitorIds].sort(), identifiedAt: one.contact.identifiedAt !== null } };
  }
  if (opts.sessionId) out.session = await r.dashboard.session({ funnelId, sessionId: opts.sessionId });
  for (const kind of ["events", "sessions", "contacts"] as const) out[`export ${kind}`] = await r.dashboard.exportPage({ kind, scope: scope(), tz: "Europe/Berlin", before: null });
  out.eventProps = await r.dashboard.eventProps({ scope: scope(), name: "checkout_initiated" });
  out.stats = await r.dashboard.stats({ funnelId, range: { from, to } });
  out.live = await r.dashboard.live({ funnelId, filters: [], after: null, now, limit: 20 });
  for (const model of ["last_touch", "first_touch"] as const) {
    for (const breakdown of ["channel", "utm_source", "landing_page"] as const) {
      const rows = await r.dashboard.revenueOrders({ funnelId, from, to, model, breakdown, includeTest: true });
      out[`revenue ${model} ${breakdown}`] = rows.map((x) => JSON.stringify(x)).sort();
    }
  }
  for (const breakdown of [undefined, "channel", "landing_page", "device"] as const) {
    for (const order of ["sequential", "strict"] as const) {
      out[`steps ${breakdown} ${order}`] = await stepsReport(r.journeys, funnelId, { ...FIVE_STEPS, order }, { from, to, now, breakdown, compare: true });
    }
  }
  // Past MAX_EVENTS_READ matching events a step check is a lower bound ("at least"), read
  // in each store's own order: only that it is one can be the same.
  const bound = <T extends { atLeast: boolean }>(c: T) => (c.atLeast ? { atLeast: true } : c);
  const checks = await r.journeys.checkSteps(funnelId, [...FIVE_STEPS.steps, { name: "Typo", page: "/pricng" }], now);
  out.checkSteps = checks?.map((c) => ({ ...bound(c), suggestions: c.suggestions.map(bound) }));
  out.suggest = await r.journeys.suggestSteps(funnelId);
  return out;
}
