// The data the dashboard reader (./dashboard-reader.ts) hands back: plain,
// structured-cloneable shapes (they cross from the reader threads), the same whatever
// store computed them.
import type { DimensionKey } from "../analytics/dimensions";
import type { RevenueBreakdown, RevenueModel } from "../analytics/revenue-report";
import type { SeriesMetric } from "../analytics/series";
import type { Revenue, Tally } from "../analytics/tally";

// Events, visits and people.

/** Where a visit came from, as the API names it (campaign tags in their URL spelling). */
export interface SourceFields {
  channel: string | null;
  referrerHost: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  clickId: string | null;
}

export interface EventView extends SourceFields {
  id: string;
  type: string;
  name: string;
  ts: number;
  anonymousId: string;
  sessionId: string;
  contactId: number | null;
  userId: string | null;
  url: string | null;
  path: string | null;
  title: string | null;
  props: Record<string, unknown> | null;
  revenue: { amount: number; currency: string } | null;
  verified: boolean;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  referrer: string | null;
  flags: string[];
}

export interface SessionView extends SourceFields {
  id: string;
  anonymousId: string;
  contactId: number | null;
  startedAt: number;
  lastAt: number;
  durationSeconds: number;
  entryPath: string | null;
  exitPath: string | null;
  pageviews: number;
  events: number;
  bounce: boolean;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  converted: boolean;
  conversions: number;
  revenue: Record<string, number>;
}

export interface SessionRow extends SessionView {
  contactEmail: string | null;
  contactName: string | null;
}

export interface SessionPage {
  sessions: SessionRow[];
  /** Cursor for the next (older) page: "<started_at>.<id>". */
  next: string | null;
}

export interface ContactView extends ContactRow {
  anonymousIds: string[];
}

export interface ContactRow {
  id: number;
  email: string | null;
  name: string | null;
  userId: string | null;
  traits: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
  firstChannel: string | null;
  firstSource: string | null;
  sessions: number;
  conversions: number;
  /** Major units per currency. */
  revenue: Record<string, number>;
}

export interface Journey {
  sessions: SessionView[];
  events: EventView[];
  /** True when the journey was cut at `limit` events (the oldest are shown). */
  truncated: boolean;
}

export interface OrderLine {
  type: "conversion" | "refund";
  name: string;
  ts: number;
  orderId: string | null;
  /** Signed minor units as reported (refunds negative); test payments' own amount. */
  amountMinor: number | null;
  currency: string | null;
  verified: boolean;
  /** Not counted: another report of the same order counts, or a test payment. */
  counted: boolean;
  test: boolean;
  provider: string | null;
  product: string | null;
}

export interface ContactDetail extends ContactRow {
  visitorIds: string[];
  identifiedAt: number | null;
}

/** One visit with its events and orders, for its page. */
export interface SessionWithEvents {
  session: SessionRow;
  events: EventView[];
  orders: OrderLine[];
}

/** One person with their whole journey and orders, for their page. */
export interface ContactWithJourney {
  contact: ContactDetail;
  journey: Journey;
  orders: OrderLine[];
}

/** A page of the read API's lists; `next` is the cursor of the following (older) page. */
export interface EventList {
  events: EventView[];
  next: string | null;
}

export interface SessionList {
  sessions: SessionView[];
  next: string | null;
}

export interface ContactList {
  contacts: ContactView[];
  next: string | null;
}

export interface ContactPage {
  contacts: ContactRow[];
  next: string | null;
}


// The live timeline and the "right now" card.

export interface LiveEvent extends EventView {
  rowId: number;
  contactEmail: string | null;
  contactName: string | null;
}

export interface LiveResult {
  events: LiveEvent[];
  /** Pass back as `after` to get only newer events. */
  cursor: number;
}

export interface LiveNow {
  visitors: number;
  pages: { path: string; visitors: number }[];
  sources: { source: string; visitors: number }[];
  sales: { ts: number; name: string; amount: number; currency: string; verified: boolean }[];
}


// Totals, the chart and the grouped panels.

export interface Totals {
  visitors: number;
  tally: Tally;
  revenue: Revenue;
}

export interface Overview {
  current: Totals;
  previous: Totals;
}

export interface SeriesPoint {
  /** Bucket start, UTC ms. */
  at: number;
  value: number;
}

export interface Series {
  metric: SeriesMetric;
  bucket: "hour" | "day";
  points: SeriesPoint[];
  /** Metric "visitors": distinct visitors of the whole range, when counting them came for free (else null). */
  totalVisitors: number | null;
  /** Revenue: the currency shown (minor units), and the others that exist in the range. */
  currency: string | null;
  otherCurrencies: string[];
}

export interface BreakdownRow {
  /** "" = none (no referrer, no UTM…); regions and cities carry "country\x1fregion\x1f…". */
  value: string;
  tally: Tally;
  revenue: Revenue;
}

export interface Breakdown {
  dim: DimensionKey;
  rows: BreakdownRow[];
  /** How many distinct values there are in all (rows holds the top `limit`). */
  values: number;
  /** Visits in the whole scope, for shares. */
  totalVisits: number;
}

export interface PropValue {
  value: string;
  count: number;
}

export interface PropBreakdown {
  key: string;
  count: number;
  values: PropValue[];
  /** Distinct values of this key (values holds the top ones). */
  distinct: number;
}

export interface EventPropsResult {
  name: string;
  /** Occurrences of the event in the scope. */
  total: number;
  /** How many (the latest) occurrences the value counts below are taken from. */
  sample: number;
  props: PropBreakdown[];
}

export interface Stats {
  visitors: number;
  sessions: number;
  pageviews: number;
  events: number;
  conversions: number;
  revenue: Record<string, number>;
  bounceRate: number;
  avgSessionSeconds: number;
}

export interface FunnelCardStats {
  /** Distinct visitors in each day of the window, oldest first. */
  daily: number[];
  visitors: number;
  conversions: number;
  /** Major units per currency, e.g. { EUR: 49.5 }. */
  revenue: Record<string, number>;
}


// Revenue.

export interface OrderRow {
  currency: string;
  verified: number;
  gross: number;
  refunded: number;
  /** null: no visit. */
  value: string | null;
}

export interface OrderQuery {
  funnelId: string;
  from: number;
  to: number;
  model: RevenueModel;
  breakdown: RevenueBreakdown;
  includeTest: boolean;
}

export function emptyCardStats(days: number): FunnelCardStats {
  return { daily: new Array(days).fill(0), visitors: 0, conversions: 0, revenue: {} };
}
