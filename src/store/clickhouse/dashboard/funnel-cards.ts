// The numbers on the /funnels cards over ClickHouse, for every funnel at once: visitors
// per day (the sparkline), and visitors, conversions and revenue over the whole window.
import type { ClickHouseClient } from "@clickhouse/client";
import { revenueMapToMajor } from "../../../pipeline/money";
import { emptyCardStats, type FunnelCardStats } from "../../dashboard-views";
import { num, rows, Sql } from "./query";

const DAY_MS = 86_400_000;

/** Stats for the `days` whole 24-hour periods ending at `now`, keyed by funnel id (funnels without events are absent). */
export async function funnelCards(ch: ClickHouseClient, now: number, days = 7): Promise<Map<string, FunnelCardStats>> {
  const from = now - days * DAY_MS;
  const read = <T>(select: (range: string, sql: Sql) => string) => {
    const sql = new Sql();
    return rows<T>(ch, sql, select(`ts >= ${sql.ms(from)} AND ts < ${sql.ms(now)}`, sql));
  };
  const [daily, whole, money] = await Promise.all([
    read<{ funnel_id: string; d: unknown; n: unknown }>(
      (range, sql) =>
        `SELECT funnel_id, intDiv(toUnixTimestamp64Milli(ts) - ${sql.bind(from, "Int64")}, ${DAY_MS}) AS d, uniqExact(anonymous_id) AS n
         FROM events WHERE ${range} GROUP BY funnel_id, d`,
    ),
    read<{ funnel_id: string; visitors: unknown; conversions: unknown }>(
      (range) => `SELECT funnel_id, uniqExact(anonymous_id) AS visitors, countIf(type = 'conversion') AS conversions FROM events WHERE ${range} GROUP BY funnel_id`,
    ),
    read<{ funnel_id: string; currency: string; minor: unknown }>(
      (range) =>
        `SELECT funnel_id, currency, sum(revenue_minor) AS minor FROM events
         WHERE ${range} AND type = 'conversion' AND revenue_minor IS NOT NULL AND currency IS NOT NULL GROUP BY funnel_id, currency`,
    ),
  ]);
  const out = new Map<string, FunnelCardStats>();
  const of = (id: string) => out.get(id) ?? out.set(id, emptyCardStats(days)).get(id)!;
  for (const r of whole) Object.assign(of(r.funnel_id), { visitors: num(r.visitors), conversions: num(r.conversions) });
  for (const r of daily) if (num(r.d) >= 0 && num(r.d) < days) of(r.funnel_id).daily[num(r.d)] = num(r.n);
  const minorByFunnel = new Map<string, Record<string, number>>();
  for (const r of money) minorByFunnel.set(r.funnel_id, { ...minorByFunnel.get(r.funnel_id), [r.currency]: num(r.minor) });
  for (const [id, minor] of minorByFunnel) of(id).revenue = revenueMapToMajor(minor);
  return out;
}
