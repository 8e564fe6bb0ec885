// Reads of the rollup tables, and how a range splits between rollups and live
// queries: rollups hold whole UTC hours ("all") or days (other dimensions) before the
// horizon; the ragged start of a local-time range and everything from the horizon on
// (today) are read live, and so are scopes with other filters than rolledFilter's.
import type { Database } from "bun:sqlite";
import type { Scope } from "../../../analytics/filters";
import { addRevenue, revenueByValue, toTally, type Revenue, type Tally, type TallyRow } from "../../../analytics/tally";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import type { RollupDim } from "./sql";
import { DIMENSIONS } from "../../../analytics/dimensions";

export interface Span {
  from: number;
  to: number;
}

export interface SplitRange {
  rolled: Span | null;
  live: Span[];
}

export function splitRange(from: number, to: number, unit: "hour" | "day", horizon: number): SplitRange {
  const size = unit === "hour" ? HOUR_MS : DAY_MS;
  const a = Math.ceil(from / size) * size;
  const b = Math.min(Math.floor(to / size) * size, horizon);
  if (a >= b) return { rolled: null, live: [{ from, to }] };
  const live: Span[] = [];
  if (from < a) live.push({ from, to: a });
  if (b < to) live.push({ from: b, to });
  return { rolled: { from: a, to: b }, live };
}

/**
 * The one filter of a scope when the day rollups hold its visits under the same value:
 * a session dimension whose rolled-up value is the dictionary's column itself (not the
 * composite region and city), or a page (the visits that viewed it); and a value (the
 * filter's "" means no value at all, which the rollups do not tell from an empty one).
 */
export function rolledFilter(scope: Scope): { dim: RollupDim; value: string } | null {
  if (scope.filters.length !== 1) return null;
  const [f] = scope.filters;
  if (f.value === "") return null;
  if (f.key === "page") return { dim: "page_visits", value: f.value };
  if (DIMENSIONS[f.key].kind !== "session" || f.key === "region" || f.key === "city") return null;
  return { dim: f.key, value: f.value };
}

const SUMS = `sum(visits) AS visits, sum(converted) AS converted, sum(conversions) AS conversions, sum(pageviews) AS pageviews,
  sum(events) AS events, sum(bounces) AS bounces, sum(duration_ms) AS duration_ms, sum(hits) AS hits`;

const hours = (funnelId: string, span: Span): [string, number, number] => [funnelId, span.from / HOUR_MS, span.to / HOUR_MS];

export function rollupTotals(sqlite: Database, funnelId: string, span: Span): { tally: Tally; revenue: Revenue } {
  const row = sqlite
    .query<TallyRow, [string, number, number]>(`SELECT ${SUMS} FROM rollup_hours WHERE funnel_id = ? AND dim = 'all' AND hour >= ? AND hour < ?`)
    .get(...hours(funnelId, span));
  return { tally: toTally(row), revenue: rollupRevenue(sqlite, funnelId, "all", span).get("") ?? {} };
}

/** The visits with one value of a dimension over whole days (the rows panels read), with their revenue. */
export function rollupTotalsOf(sqlite: Database, funnelId: string, dim: RollupDim, value: string, span: Span): { tally: Tally; revenue: Revenue } {
  const row = sqlite
    .query<TallyRow, [string, string, number, number, string]>(
      `SELECT ${SUMS} FROM rollup_hours WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ? AND value = ?`,
    )
    .get(funnelId, dim, span.from / HOUR_MS, span.to / HOUR_MS, value);
  return { tally: toTally(row), revenue: rollupRevenue(sqlite, funnelId, dim, span).get(value) ?? {} };
}

/** Every value of a dimension over whole days, with its tally. */
export function rollupGroups(sqlite: Database, funnelId: string, dim: RollupDim, span: Span): Map<string, Tally> {
  const rows = sqlite
    .query<TallyRow & { value: string }, [string, string, number, number]>(
      `SELECT value, ${SUMS} FROM rollup_hours WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ? GROUP BY value`,
    )
    .all(funnelId, dim, span.from / HOUR_MS, span.to / HOUR_MS);
  return new Map(rows.map((r) => [r.value, toTally(r)]));
}

/** Revenue per value of a dimension. */
export function rollupRevenue(sqlite: Database, funnelId: string, dim: RollupDim, span: Span): Map<string, Revenue> {
  const rows = sqlite
    .query<{ value: string; currency: string; verified: number; minor: number }, [string, string, number, number]>(
      `SELECT value, currency, verified, sum(minor) AS minor FROM rollup_revenue
       WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ? GROUP BY value, currency, verified`,
    )
    .all(funnelId, dim, span.from / HOUR_MS, span.to / HOUR_MS);
  return revenueByValue(rows);
}

export interface TimeTally {
  /** Start of the hour (or smaller unit), UTC ms. */
  at: number;
  tally: Tally;
  revenue: Revenue;
}

/** Totals per UTC hour, for charts (which group hours into the viewer's buckets). */
export function rollupHourly(sqlite: Database, funnelId: string, span: Span): TimeTally[] {
  const rows = sqlite
    .query<TallyRow & { hour: number }, [string, number, number]>(
      `SELECT hour, ${SUMS} FROM rollup_hours WHERE funnel_id = ? AND dim = 'all' AND hour >= ? AND hour < ? GROUP BY hour`,
    )
    .all(...hours(funnelId, span));
  const byHour = new Map<number, TimeTally>();
  for (const r of rows) byHour.set(r.hour, { at: r.hour * HOUR_MS, tally: toTally(r), revenue: {} });
  const revenue = sqlite
    .query<{ hour: number; currency: string; verified: number; minor: number }, [string, number, number]>(
      `SELECT hour, currency, verified, sum(minor) AS minor FROM rollup_revenue
       WHERE funnel_id = ? AND dim = 'all' AND hour >= ? AND hour < ? GROUP BY hour, currency, verified`,
    )
    .all(...hours(funnelId, span));
  for (const r of revenue) {
    const h = byHour.get(r.hour);
    if (h) addRevenue(h.revenue, r.currency, r.verified, r.minor);
  }
  return [...byHour.values()];
}
