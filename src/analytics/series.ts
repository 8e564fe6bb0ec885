// The chart's maths: which metrics it shows, and how totals per small time unit
// (rollup hours, live quarter hours) add up into its local hour or day buckets.
import type { Series } from "../store/dashboard-views";
import { addRevenue, mainCurrency, type Revenue, revenueTotal, type Tally } from "./tally";
import { DAY_MS, HOUR_MS, offsetAt } from "./timezone";

export const SERIES_METRICS = ["visitors", "pageviews", "conversions", "revenue"] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

/** Totals of the visits that started in one unit of time starting at `at`. */
export interface TimeUnit {
  at: number;
  tally: Tally;
  revenue: Revenue;
}

export function emptySeries(starts: number[], bucket: "hour" | "day", metric: SeriesMetric): Series {
  return { metric, bucket, points: starts.map((at) => ({ at, value: 0 })), totalVisitors: null, currency: null, otherCurrencies: [] };
}

/** Adds units into the series' buckets (every metric but visitors, which do not add up). */
export function addUnits(series: Series, units: TimeUnit[]): Series {
  const { points, metric } = series;
  const starts = points.map((p) => p.at);
  const revenue: Revenue[] = points.map(() => ({}));
  for (const u of units) {
    const i = bucketIndex(starts, u.at);
    if (i < 0) continue;
    if (metric === "pageviews") points[i].value += u.tally.pageviews;
    else if (metric === "conversions") points[i].value += u.tally.conversions;
    else for (const [c, r] of Object.entries(u.revenue)) addRevenue(addRevenue(revenue[i], c, true, r.verified), c, false, r.unverified);
  }
  if (metric === "revenue") {
    const all: Revenue = {};
    for (const r of revenue) for (const [c, v] of Object.entries(r)) addRevenue(addRevenue(all, c, true, v.verified), c, false, v.unverified);
    series.currency = mainCurrency(all);
    series.otherCurrencies = Object.keys(all).filter((c) => c !== series.currency).sort();
    if (series.currency) points.forEach((p, i) => (p.value = revenueTotal(revenue[i], series.currency!)));
  }
  return series;
}

function bucketIndex(starts: number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0 || t < starts[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Local bucket number of an instant: whole local hours or days since the epoch. */
export function bucketKey(at: number, bucket: "hour" | "day", tz: string): number {
  return Math.floor((at + offsetAt(at, tz)) / (bucket === "hour" ? HOUR_MS : DAY_MS));
}

/** Hourly rollups fit only buckets that start on whole UTC hours (not in +05:30 zones). */
export function hourAligned(starts: number[]): boolean {
  return starts.every((t) => t % HOUR_MS === 0);
}
