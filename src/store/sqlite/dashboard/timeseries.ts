// The chart over SQLite: whole hours from the rollups, the rest (filtered scopes,
// zones off the hour, today) live; distinct visitors per bucket from sessions.
import type { Scope } from "../../../analytics/filters";
import { bucketStarts } from "../../../analytics/period";
import { addUnits, bucketKey, emptySeries, hourAligned, type SeriesMetric, type TimeUnit } from "../../../analytics/series";
import { DAY_MS, HOUR_MS, offsetSegments } from "../../../analytics/timezone";
import { rollupHourly, splitRange } from "../rollups/read";
import type { Series } from "../../dashboard-views";
import { liveQuarters } from "./live-queries";
import { freshRollups, type AnalyticsReader } from "./reader";
import { visitorsPerKey } from "./visitors";
import { keyed, type KeyedScope } from "./scope-sql";

export function timeseries(
  reader: AnalyticsReader,
  unkeyed: Scope,
  bucket: "hour" | "day",
  tz: string,
  metric: SeriesMetric,
  historyStart: number | null,
): Series {
  const scope = keyed(reader.sqlite, unkeyed);
  const starts = bucketStarts({ from: scope.from, to: scope.to, bucket, tz });
  const series = emptySeries(starts, bucket, metric);
  if (metric === "visitors") {
    const counts = visitorsPerBucket(reader, scope, bucket, tz, historyStart, hourAligned(starts));
    for (const p of series.points) p.value = counts.perKey.get(bucketKey(p.at, bucket, tz)) ?? 0;
    series.totalVisitors = counts.total;
    return series;
  }
  const units: TimeUnit[] = [];
  if (scope.filters.length || !hourAligned(starts)) units.push(...liveQuarters(reader.sqlite, scope));
  else {
    const split = splitRange(scope.from, scope.to, "hour", freshRollups(reader, scope.funnelId));
    if (split.rolled) units.push(...rollupHourly(reader.sqlite, scope.funnelId, split.rolled));
    for (const span of split.live) units.push(...liveQuarters(reader.sqlite, { ...scope, ...span }));
  }
  return addUnits(series, units);
}

/** Distinct visitors per local bucket (the offset may change mid-range: DST). */
function visitorsPerBucket(reader: AnalyticsReader, scope: KeyedScope, bucket: "hour" | "day", tz: string, historyStart: number | null, hourBuckets: boolean) {
  const size = bucket === "hour" ? HOUR_MS : DAY_MS;
  const segments = offsetSegments(scope.from, scope.to, tz);
  const keyOf = (ms: number) => {
    const seg = segments.find((s) => ms < s.until) ?? segments[segments.length - 1];
    return Math.floor((ms + seg.offset) / size);
  };
  const caseSql = segments.length === 1 ? "?" : `CASE ${segments.slice(0, -1).map(() => "WHEN s.started_at < ? THEN ?").join(" ")} ELSE ? END`;
  const caseParams = segments.length === 1 ? [segments[0].offset] : [...segments.slice(0, -1).flatMap((s) => [s.until, s.offset]), segments.at(-1)!.offset];
  return visitorsPerKey(reader, scope, historyStart, keyOf, { sql: `(s.started_at + ${caseSql}) / ${size}`, params: caseParams }, hourBuckets);
}
