// The stats cards over ClickHouse: distinct visitors, the tally and revenue of a scope,
// and of the previous period of the same length. Always read live: ClickHouse sums a
// range of visits fast enough that no hand-kept rollup is needed.
import type { ClickHouseClient } from "@clickhouse/client";
import type { DimensionKey } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { revenueByValue, toTally, type Revenue, type Tally, type TallyRow } from "../../../analytics/tally";
import type { Overview, Totals } from "../../dashboard-views";
import { num, rows, Sql } from "./query";
import { revenueFrom, valueSql, VISIT_METRICS, visitRows } from "./visits-sql";

type Numeric = Record<keyof TallyRow, unknown>;

export function tallyOf(r: Partial<Numeric> | Record<string, unknown> | undefined): Tally {
  if (!r) return toTally(null);
  const n = (k: keyof TallyRow) => num((r as Record<string, unknown>)[k]);
  return toTally({
    visits: n("visits"), converted: n("converted"), conversions: n("conversions"), pageviews: n("pageviews"),
    events: n("events"), bounces: n("bounces"), duration_ms: n("duration_ms"), hits: n("hits"),
  });
}

/** Revenue per value of a visit dimension (null: one total under ""). */
export async function revenueBy(ch: ClickHouseClient, scope: Scope, dim: DimensionKey | null): Promise<Map<string, Revenue>> {
  const sql = new Sql();
  const q = `SELECT ${dim ? valueSql(dim) : "''"} AS value, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
    ${revenueFrom(sql, scope)} GROUP BY value, currency, verified`;
  const got = await rows<{ value: string; currency: string; verified: unknown; minor: unknown }>(ch, sql, q);
  return revenueByValue(got.map((r) => ({ value: r.value, currency: r.currency, verified: num(r.verified), minor: num(r.minor) })));
}

export async function totals(ch: ClickHouseClient, scope: Scope, knownVisitors: number | null = null): Promise<Totals> {
  const sql = new Sql();
  const q = `SELECT uniqExact(s.anonymous_id) AS visitors, ${VISIT_METRICS} FROM ${visitRows(sql, scope)} AS s`;
  const [[row], revenue] = await Promise.all([rows<Numeric & { visitors: unknown }>(ch, sql, q), revenueBy(ch, scope, null)]);
  return { visitors: knownVisitors ?? num(row?.visitors), tally: tallyOf(row), revenue: revenue.get("") ?? {} };
}

export async function sums(ch: ClickHouseClient, scope: Scope): Promise<{ tally: Tally; revenue: Revenue }> {
  const { tally, revenue } = await totals(ch, scope);
  return { tally, revenue };
}

export async function overview(ch: ClickHouseClient, scope: Scope, previous: { from: number; to: number }, knownVisitors: number | null): Promise<Overview> {
  const [current, prev] = await Promise.all([totals(ch, scope, knownVisitors), totals(ch, { ...scope, ...previous })]);
  return { current, previous: prev };
}
