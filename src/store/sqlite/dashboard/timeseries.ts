// The chart: one metric per bucket (local hours or local days) over a scope.
import type { Scope } from "../../../analytics/filters";
import { liveQuarters } from "./live-queries";
import { bucketStarts } from "../../../analytics/period";
import { freshRollups, type AnalyticsReader } from "./reader";
import { rollupHourly, splitRange, type TimeTally } from "../../../analytics/rollups/read";
import { addRevenue, mainCurrency, revenueTotal, type Revenue } from "../../../analytics/tally";
import { DAY_MS, HOUR_MS, offsetAt, offsetSegments } from "../../../analytics/timezone";
import { visitorsPerKey } from "./visitors";

export const SERIES_METRICS = ["visitors", "pageviews", "conversions", "revenue"] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

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

export function timeseries(
  reader: AnalyticsReader,
  scope: Scope,
  bucket: "hour" | "day",
  tz: string,
  metric: SeriesMetric,
  historyStart: number | null,
): Series {
  const starts = bucketStarts({ from: scope.from, to: scope.to, bucket, tz });
  const points = starts.map((at) => ({ at, value: 0 }));
  const series: Series = { metric, bucket, points, totalVisitors: null, currency: null, otherCurrencies: [] };
  if (metric === "visitors") {
    const counts = visitorsPerBucket(reader, scope, bucket, tz, historyStart);
    for (const p of points) p.value = counts.perKey.get(bucketKey(p.at, bucket, tz)) ?? 0;
    series.totalVisitors = counts.total;
    return series;
  }
  const units: TimeTally[] = [];
  // Hourly rollups fit only buckets that start on whole UTC hours (not in +05:30 zones).
  const hourAligned = starts.every((t) => t % HOUR_MS === 0);
  if (scope.filters.length || !hourAligned) units.push(...liveQuarters(reader.sqlite, scope));
  else {
    const split = splitRange(scope.from, scope.to, "hour", freshRollups(reader, scope.funnelId));
    if (split.rolled) units.push(...rollupHourly(reader.sqlite, scope.funnelId, split.rolled));
    for (const span of split.live) units.push(...liveQuarters(reader.sqlite, { ...scope, ...span }));
  }
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
function bucketKey(at: number, bucket: "hour" | "day", tz: string): number {
  return Math.floor((at + offsetAt(at, tz)) / (bucket === "hour" ? HOUR_MS : DAY_MS));
}

/** Distinct visitors per local bucket (the offset may change mid-range: DST). */
function visitorsPerBucket(reader: AnalyticsReader, scope: Scope, bucket: "hour" | "day", tz: string, historyStart: number | null) {
  const size = bucket === "hour" ? HOUR_MS : DAY_MS;
  const segments = offsetSegments(scope.from, scope.to, tz);
  const keyOf = (ms: number) => {
    const seg = segments.find((s) => ms < s.until) ?? segments[segments.length - 1];
    return Math.floor((ms + seg.offset) / size);
  };
  const caseSql = segments.length === 1 ? "?" : `CASE ${segments.slice(0, -1).map(() => "WHEN s.started_at < ? THEN ?").join(" ")} ELSE ? END`;
  const caseParams = segments.length === 1 ? [segments[0].offset] : [...segments.slice(0, -1).flatMap((s) => [s.until, s.offset]), segments.at(-1)!.offset];
  return visitorsPerKey(reader.sqlite, scope, historyStart, keyOf, { sql: `(s.started_at + ${caseSql}) / ${size}`, params: caseParams });
}
