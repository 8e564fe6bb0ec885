// The read API's headline numbers of one funnel over a range, over ClickHouse.
import type { ClickHouseClient } from "@clickhouse/client";
import type { Range } from "../../../analytics/range";
import { revenueMapToMajor } from "../../../pipeline/money";
import type { Stats } from "../../dashboard-views";
import { num, rows, Sql } from "./query";
import { visitRows } from "./visits-sql";

export async function funnelStats(ch: ClickHouseClient, funnelId: string, range: Range): Promise<Stats> {
  const a = new Sql();
  const b = new Sql();
  const c = new Sql();
  const inRange = (sql: Sql) => `funnel_id = ${sql.str(funnelId)} AND ts >= ${sql.ms(range.from)} AND ts < ${sql.ms(range.to)}`;
  const [[ev], money, [visits]] = await Promise.all([
    rows<{ visitors: unknown; pageviews: unknown; events: unknown; conversions: unknown }>(
      ch, a,
      `SELECT uniqExact(anonymous_id) AS visitors, countIf(type = 'page_view') AS pageviews, count() AS events,
         countIf(type = 'conversion') AS conversions FROM events WHERE ${inRange(a)}`,
    ),
    rows<{ currency: string; minor: unknown }>(
      ch, b,
      `SELECT currency, sum(revenue_minor) AS minor FROM events WHERE ${inRange(b)} AND type = 'conversion' AND revenue_minor IS NOT NULL GROUP BY currency`,
    ),
    rows<{ sessions: unknown; bounces: unknown; duration: unknown }>(
      ch, c,
      `SELECT count() AS sessions, sum(s.bounce) AS bounces, avg(s.duration_ms) AS duration
       FROM ${visitRows(c, { funnelId, from: range.from, to: range.to, filters: [] })} AS s`,
    ),
  ]);
  const revenue: Record<string, number> = {};
  for (const r of money) revenue[r.currency] = num(r.minor);
  const sessions = num(visits?.sessions);
  const duration = Number.isFinite(Number(visits?.duration)) ? num(visits?.duration) : 0;
  return {
    visitors: num(ev?.visitors),
    sessions,
    pageviews: num(ev?.pageviews),
    events: num(ev?.events),
    conversions: num(ev?.conversions),
    revenue: revenueMapToMajor(revenue),
    bounceRate: sessions ? Math.round((num(visits?.bounces) / sessions) * 1000) / 1000 : 0,
    avgSessionSeconds: Math.round(duration / 1000),
  };
}
