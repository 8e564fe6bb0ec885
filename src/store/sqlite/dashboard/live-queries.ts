// The same numbers as the rollups, computed straight from sessions and events for any
// scope: filtered ones, today, and the ragged edges of a local-time range.
import type { Database } from "bun:sqlite";
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { sessionWhere } from "./scope-sql";
import type { TimeTally } from "../rollups/read";
import { EVENT_METRICS, eventDimCondition, revenueFrom, SESSION_EVENTS_JOIN, SESSION_METRICS, valueSql } from "../rollups/sql";
import { addRevenue, revenueByValue, toTally, type Revenue, type Tally, type TallyRow } from "../../../analytics/tally";
import { DAY_MS } from "../../../analytics/timezone";

type Params = (string | number)[];

export function liveTotals(sqlite: Database, scope: Scope): { visitors: number; tally: Tally; revenue: Revenue } {
  const where = sessionWhere(scope);
  const row = sqlite
    .query<TallyRow & { visitors: number }, Params>(`SELECT count(DISTINCT s.anonymous_id) AS visitors, ${SESSION_METRICS} FROM sessions s WHERE ${where.sql}`)
    .get(...where.params);
  return { visitors: row?.visitors ?? 0, tally: toTally(row), revenue: liveRevenue(sqlite, scope, null).get("") ?? {} };
}

/** Revenue per value of a session dimension (null: one total under ""). */
export function liveRevenue(sqlite: Database, scope: Scope, dim: DimensionKey | null): Map<string, Revenue> {
  const where = sessionWhere(scope);
  const rows = sqlite
    .query<{ value: string; currency: string; verified: number; minor: number }, Params>(
      `SELECT ${dim ? valueSql(dim) : "''"} AS value, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
       ${revenueFrom(where.sql)} GROUP BY 1, 2, 3`,
    )
    .all(scope.funnelId, scope.from, scope.to + DAY_MS, ...where.params);
  return revenueByValue(rows);
}

export interface LiveGroups {
  groups: { value: string; tally: Tally }[];
  /** Distinct values in all (groups may hold only the top ones). */
  values: number;
  /** Session dimensions: the visits of the whole scope (each visit has one value). */
  totalVisits: number | null;
}

/** Values of a dimension within a scope, biggest first; `limit` null returns them all. */
export function liveGroups(sqlite: Database, scope: Scope, dim: DimensionKey, limit: number | null): LiveGroups {
  const where = sessionWhere(scope);
  const kind = DIMENSIONS[dim].kind;
  const order = kind === "event" ? "hits DESC, value" : "visits DESC, value";
  const tail = limit === null ? "" : " LIMIT ?";
  const sql =
    kind === "session"
      ? `SELECT ${valueSql(dim)} AS value, ${SESSION_METRICS}, count(*) OVER () AS n, sum(count(*)) OVER () AS total
         FROM sessions s WHERE ${where.sql} GROUP BY value ORDER BY ${order}${tail}`
      : `SELECT ${valueSql(dim)} AS value, ${EVENT_METRICS}, count(*) OVER () AS n, NULL AS total
         FROM ${SESSION_EVENTS_JOIN} WHERE ${where.sql} AND ${eventDimCondition(kind)} GROUP BY value ORDER BY ${order}${tail}`;
  const rows = sqlite
    .query<TallyRow & { value: string; n: number; total: number | null }, Params>(sql)
    .all(...where.params, ...(limit === null ? [] : [limit]));
  return {
    groups: rows.map((r) => ({ value: r.value, tally: toTally(r) })),
    values: rows[0]?.n ?? 0,
    totalVisits: kind === "session" ? (rows[0]?.total ?? 0) : null,
  };
}

const QUARTER_MS = 15 * 60_000;

/** Totals per quarter hour (every zone's offset is a whole number of quarters), for charts. */
export function liveQuarters(sqlite: Database, scope: Scope): TimeTally[] {
  const where = sessionWhere(scope);
  const rows = sqlite
    .query<TallyRow & { q: number }, Params>(`SELECT s.started_at / ${QUARTER_MS} AS q, ${SESSION_METRICS} FROM sessions s WHERE ${where.sql} GROUP BY q`)
    .all(...where.params);
  const byQuarter = new Map<number, TimeTally>(rows.map((r) => [r.q, { at: r.q * QUARTER_MS, tally: toTally(r), revenue: {} }]));
  const revenue = sqlite
    .query<{ q: number; currency: string; verified: number; minor: number }, Params>(
      `SELECT s.started_at / ${QUARTER_MS} AS q, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
       ${revenueFrom(where.sql)} GROUP BY 1, 2, 3`,
    )
    .all(scope.funnelId, scope.from, scope.to + DAY_MS, ...where.params);
  for (const r of revenue) {
    const u = byQuarter.get(r.q);
    if (u) addRevenue(u.revenue, r.currency, r.verified, r.minor);
  }
  return [...byQuarter.values()];
}
