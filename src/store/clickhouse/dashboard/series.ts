// The chart over ClickHouse: totals per quarter hour (every zone's offset is a whole
// number of quarters) added into local buckets by the shared maths; distinct visitors
// per local bucket counted in one GROUP BY.
import type { ClickHouseClient } from "@clickhouse/client";
import type { Scope } from "../../../analytics/filters";
import { bucketStarts } from "../../../analytics/period";
import { addUnits, bucketKey, emptySeries, type SeriesMetric, type TimeUnit } from "../../../analytics/series";
import { addRevenue } from "../../../analytics/tally";
import { DAY_MS, HOUR_MS, offsetSegments } from "../../../analytics/timezone";
import type { Series } from "../../dashboard-views";
import { num, rows, Sql } from "./query";
import { tallyOf } from "./totals";
import { revenueFrom, VISIT_METRICS, visitRows } from "./visits-sql";

const QUARTER_MS = 15 * 60_000;

export async function series(ch: ClickHouseClient, scope: Scope, bucket: "hour" | "day", tz: string, metric: SeriesMetric): Promise<Series> {
  const out = emptySeries(bucketStarts({ from: scope.from, to: scope.to, bucket, tz }), bucket, metric);
  if (metric === "visitors") {
    const counts = await visitorsPerBucket(ch, scope, bucket, tz);
    for (const p of out.points) p.value = counts.get(bucketKey(p.at, bucket, tz)) ?? 0;
    return out;
  }
  return addUnits(out, await quarters(ch, scope));
}

async function quarters(ch: ClickHouseClient, scope: Scope): Promise<TimeUnit[]> {
  const a = new Sql();
  const b = new Sql();
  const [tallies, revenue] = await Promise.all([
    rows<Record<string, unknown>>(ch, a, `SELECT intDiv(s.started_at, ${QUARTER_MS}) AS q, ${VISIT_METRICS} FROM ${visitRows(a, scope)} AS s GROUP BY q`),
    rows<{ q: unknown; currency: string; verified: unknown; minor: unknown }>(
      ch, b,
      `SELECT intDiv(s.started_at, ${QUARTER_MS}) AS q, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
       ${revenueFrom(b, scope)} GROUP BY q, currency, verified`,
    ),
  ]);
  const byQuarter = new Map<number, TimeUnit>(tallies.map((r) => [num(r.q), { at: num(r.q) * QUARTER_MS, tally: tallyOf(r), revenue: {} }]));
  for (const r of revenue) {
    const u = byQuarter.get(num(r.q));
    if (u) addRevenue(u.revenue, r.currency, num(r.verified), num(r.minor));
  }
  return [...byQuarter.values()];
}

/** Distinct visitors per local bucket (the offset may change mid-range: DST), keyed like bucketKey. */
async function visitorsPerBucket(ch: ClickHouseClient, scope: Scope, bucket: "hour" | "day", tz: string): Promise<Map<number, number>> {
  const size = bucket === "hour" ? HOUR_MS : DAY_MS;
  const segments = offsetSegments(scope.from, scope.to, tz);
  const sql = new Sql();
  const offset =
    segments.length === 1
      ? sql.bind(segments[0].offset, "Int64")
      : `multiIf(${segments.slice(0, -1).map((s) => `s.started_at < ${sql.bind(s.until, "Int64")}, ${sql.bind(s.offset, "Int64")}`).join(", ")}, ${sql.bind(segments.at(-1)!.offset, "Int64")})`;
  const got = await rows<{ k: unknown; n: unknown }>(
    ch, sql,
    `SELECT intDiv(s.started_at + ${offset}, ${size}) AS k, uniqExact(s.anonymous_id) AS n FROM ${visitRows(sql, scope)} AS s GROUP BY k`,
  );
  return new Map(got.map((r) => [num(r.k), num(r.n)]));
}
