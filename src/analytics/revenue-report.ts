// Revenue of a funnel over a range, for the JSON API and the dashboard: gross, refunded,
// net and verified net in the main currency, per value of a breakdown under a model
// of attribution, and each other currency apart (never summed). Orders are counted by
// day of purchase, with what has been refunded on them since.
import { DEFAULT_CURRENCY } from "../funnels/currency";
import { InvalidInput } from "../http/errors";
import type { OrderQuery, OrderRow } from "../store/dashboard-views";
import { parseRange } from "./range";

export const REVENUE_MODELS = ["last_touch", "first_touch"] as const;
export type RevenueModel = (typeof REVENUE_MODELS)[number];

/** What revenue can be broken down by (each a column of the credited visit). */
export const REVENUE_BREAKDOWNS = ["channel", "utm_source", "utm_campaign", "landing_page"] as const;
export type RevenueBreakdown = (typeof REVENUE_BREAKDOWNS)[number];

export interface RevenueTotals {
  gross: number;
  refunded: number;
  net: number;
  verifiedNet: number;
  orders: number;
}

export interface RevenueRow extends RevenueTotals {
  /** The breakdown's value; null for orders with no visit. */
  value: string | null;
}

export interface RevenueReport extends RevenueTotals {
  currency: string;
  rows: RevenueRow[];
  otherCurrencies: Record<string, RevenueTotals>;
}

export type RevenueArgs = Omit<OrderQuery, "funnelId">;

const zero = (): RevenueTotals => ({ gross: 0, refunded: 0, net: 0, verifiedNet: 0, orders: 0 });

function add(t: RevenueTotals, o: OrderRow): void {
  // A provider never refunds more than was paid; a mismatched report must not make net negative.
  const refunded = Math.min(Math.max(o.refunded, 0), o.gross);
  t.gross += o.gross;
  t.refunded += refunded;
  t.net += o.gross - refunded;
  if (o.verified) t.verifiedNet += o.gross - refunded;
  t.orders++;
}

/** Pure: order rows → the report (tested without SQL). */
export function summarize(currency: string, orders: OrderRow[]): RevenueReport {
  const total = zero();
  const byValue = new Map<string | null, RevenueRow>();
  const otherCurrencies: Record<string, RevenueTotals> = {};
  for (const o of orders) {
    if (o.currency !== currency) {
      add((otherCurrencies[o.currency] ??= zero()), o);
      continue;
    }
    add(total, o);
    let row = byValue.get(o.value);
    if (!row) byValue.set(o.value, (row = { value: o.value, ...zero() }));
    add(row, o);
  }
  const rows = [...byValue.values()].sort((a, b) => b.verifiedNet - a.verifiedNet || b.net - a.net || String(a.value).localeCompare(String(b.value)));
  return { currency, ...total, rows, otherCurrencies };
}

/** The currency most of these orders are in (ties: alphabetical), else USD. */
export function mostCommonCurrency(orders: OrderRow[]): string {
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.currency, (counts.get(o.currency) ?? 0) + 1);
  let best = DEFAULT_CURRENCY;
  let most = 0;
  for (const [c, n] of counts) if (n > most || (n === most && c < best)) [best, most] = [c, n];
  return best;
}

/** The report of these orders, in the funnel's main currency (its setting, else the most common one). */
export function revenueReport(orders: OrderRow[], currencySetting: string | null): RevenueReport {
  return summarize(currencySetting ?? mostCommonCurrency(orders), orders);
}

function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (raw === undefined || raw === "") return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new InvalidInput("invalid_query", `${name}: expected one of ${allowed.join(", ")}, got "${raw}"`);
}

/** ?from&to&model&breakdown&includeTest → arguments, or a 400 that says which is wrong. */
export function parseRevenueQuery(q: Record<string, string | undefined>, now: number): RevenueArgs {
  const { from, to } = parseRange(q, now);
  const model: RevenueModel = oneOf(q.model, REVENUE_MODELS, "last_touch", "model");
  const breakdown: RevenueBreakdown = oneOf(q.breakdown, REVENUE_BREAKDOWNS, "channel", "breakdown");
  const includeTest = oneOf(q.includeTest, ["true", "false", "1", "0"], "false", "includeTest");
  return { from, to, model, breakdown, includeTest: includeTest === "true" || includeTest === "1" };
}
