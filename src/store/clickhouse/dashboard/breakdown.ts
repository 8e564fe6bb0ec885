// Every grouped panel over ClickHouse (pages, sources, UTM, devices, places, events):
// the top values of one whitelisted dimension within a scope, read live.
import type { ClickHouseClient } from "@clickhouse/client";
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import type { Revenue } from "../../../analytics/tally";
import type { Breakdown } from "../../dashboard-views";
import { num, rows, Sql } from "./query";
import { revenueBy, sums, tallyOf } from "./totals";
import { eventDimCondition, EVENT_METRICS, valueSql, VISIT_METRICS, visitRows } from "./visits-sql";

export async function breakdown(ch: ClickHouseClient, scope: Scope, dim: DimensionKey, limit: number): Promise<Breakdown> {
  const kind = DIMENSIONS[dim].kind;
  const sql = new Sql();
  const order = kind === "event" ? "hits DESC, value" : "visits DESC, value";
  const q =
    kind === "session"
      ? `SELECT ${valueSql(dim)} AS value, ${VISIT_METRICS}, count() OVER () AS n, sum(count()) OVER () AS total
         FROM ${visitRows(sql, scope)} AS s GROUP BY value ORDER BY ${order} LIMIT ${sql.bind(limit, "UInt32")}`
      : `SELECT ${valueSql(dim)} AS value, ${EVENT_METRICS}, count() OVER () AS n, 0 AS total
         FROM events AS e INNER JOIN ${visitRows(sql, scope)} AS s ON s.id = e.session_id
         WHERE e.funnel_id = ${sql.str(scope.funnelId)} AND ${eventDimCondition(kind)} AND ${eventSpan(sql, scope)}
         GROUP BY value ORDER BY ${order} LIMIT ${sql.bind(limit, "UInt32")}`;
  const got = await rows<Record<string, unknown> & { value: string }>(ch, sql, q);
  const revenue = kind === "session" && got.length ? await revenueBy(ch, scope, dim) : new Map<string, Revenue>();
  return {
    dim,
    rows: got.map((r) => ({ value: r.value, tally: tallyOf(r), revenue: revenue.get(r.value) ?? {} })),
    values: num(got[0]?.n),
    totalVisits: kind === "session" ? num(got[0]?.total) : (await sums(ch, scope)).tally.visits,
  };
}

/**
 * A visit's events lie around its start: the sort key leads with the day, so the range
 * lets ClickHouse skip the rest. A visit lasts far less than a day; events sent late
 * by a backend for a visit (a conversion) up to a day after the range still count.
 */
export function eventSpan(sql: Sql, scope: Scope): string {
  return `e.ts >= ${sql.ms(scope.from - 86_400_000)} AND e.ts < ${sql.ms(scope.to + 86_400_000)}`;
}
