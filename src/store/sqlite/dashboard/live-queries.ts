// The same numbers as the rollups, computed straight from sessions and events for any
// scope: filtered ones, today, and the ragged edges of a local-time range.
import type { Database } from "bun:sqlite";
import type { Scope } from "../../../analytics/filters";
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import { keyed, type Param, sessionWhere } from "./scope-sql";
import type { TimeTally } from "../rollups/read";
import { SESSION_METRICS } from "../rollups/sql";
import { addRevenue, revenueByValue, toTally, type Revenue, type Tally, type TallyRow } from "../../../analytics/tally";
import { DAY_MS } from "../../../analytics/timezone";
import { dictionaryJoin, EVENT_METRICS, eventDimCondition, eventGroupKey, revenueFrom, sessionRef, SESSION_EVENTS_JOIN, SUMMED_METRICS } from "./live-sql";

/** `withVisitors` false: the distinct count (a sort of every visit's visitor) is left out, and visitors is 0. */
export function liveTotals(sqlite: Database, unkeyed: Scope, withVisitors = true): { visitors: number; tally: Tally; revenue: Revenue } {
  const scope = keyed(sqlite, unkeyed);
  const where = sessionWhere(scope);
  const visitors = withVisitors ? "count(DISTINCT s.visitor)" : "0";
  const row = sqlite
    .query<TallyRow & { visitors: number }, Param[]>(`SELECT ${visitors} AS visitors, ${SESSION_METRICS} FROM sessions s WHERE ${where.sql}`)
    .get(...where.params);
  return { visitors: row?.visitors ?? 0, tally: toTally(row), revenue: liveRevenue(sqlite, scope, null).get("") ?? {} };
}

/** Revenue per value of a session dimension (null: one total under ""). */
export function liveRevenue(sqlite: Database, unkeyed: Scope, dim: DimensionKey | null): Map<string, Revenue> {
  const scope = keyed(sqlite, unkeyed);
  const where = sessionWhere(scope);
  const inner = `SELECT ${dim ? sessionRef(dim) : "NULL"} AS ref, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
       ${revenueFrom(where.sql)} GROUP BY 1, 2, 3`;
  const sql = dim
    ? `SELECT ${DIMENSIONS[dim].valueSql} AS value, g.currency AS currency, g.verified AS verified, sum(g.minor) AS minor
       FROM (${inner}) g ${dictionaryJoin(dim)} GROUP BY 1, 2, 3`
    : `SELECT '' AS value, g.currency AS currency, g.verified AS verified, g.minor AS minor FROM (${inner}) g`;
  const rows = sqlite
    .query<{ value: string; currency: string; verified: number; minor: number }, Param[]>(sql)
    .all(scope.key, scope.from, scope.to + DAY_MS, ...where.params);
  return revenueByValue(rows);
}

export interface LiveGroups {
  groups: { value: string; tally: Tally }[];
  /** Distinct values in all (groups may hold only the top ones). */
  values: number;
  /** Session dimensions: the visits of the whole scope (each visit has one value). */
  totalVisits: number | null;
}

/**
 * Values of a dimension within a scope, biggest first; `limit` null returns them all.
 * Rows are grouped by dictionary id first; the dictionary is joined per group, and
 * groups whose ids share a value (two sources with the same channel) are summed.
 */
export function liveGroups(sqlite: Database, unkeyed: Scope, dim: DimensionKey, limit: number | null): LiveGroups {
  const scope = keyed(sqlite, unkeyed);
  const where = sessionWhere(scope);
  const kind = DIMENSIONS[dim].kind;
  const order = kind === "event" ? "hits DESC, value" : "visits DESC, value";
  const tail = limit === null ? "" : " LIMIT ?";
  const value = DIMENSIONS[dim].valueSql;
  const sql =
    kind === "session"
      ? `SELECT ${value} AS value, ${SUMMED_METRICS}, count(*) OVER () AS n, sum(sum(g.visits)) OVER () AS total
         FROM (SELECT ${sessionRef(dim)} AS ref, ${SESSION_METRICS} FROM sessions s WHERE ${where.sql} GROUP BY 1) g ${dictionaryJoin(dim)}
         GROUP BY value ORDER BY ${order}${tail}`
      : // One group per path / name: the distinct visits of a group cannot be summed.
        `SELECT ${value} AS value, g.*, count(*) OVER () AS n, NULL AS total
         FROM (SELECT ${eventGroupKey(sqlite, kind)} AS ref, ${EVENT_METRICS} FROM ${SESSION_EVENTS_JOIN}
           WHERE ${where.sql} AND ${eventDimCondition(kind)} GROUP BY 1) g ${dictionaryJoin(dim)}
         ORDER BY ${order}${tail}`;
  const rows = sqlite
    .query<TallyRow & { value: string; n: number; total: number | null }, Param[]>(sql)
    .all(...where.params, ...(limit === null ? [] : [limit]));
  return {
    groups: rows.map((r) => ({ value: r.value, tally: toTally(r) })),
    values: rows[0]?.n ?? 0,
    totalVisits: kind === "session" ? (rows[0]?.total ?? 0) : null,
  };
}

const QUARTER_MS = 15 * 60_000;

/** Totals per quarter hour (every zone's offset is a whole number of quarters), for charts. */
export function liveQuarters(sqlite: Database, unkeyed: Scope): TimeTally[] {
  const scope = keyed(sqlite, unkeyed);
  const where = sessionWhere(scope);
  const rows = sqlite
    .query<TallyRow & { q: number }, Param[]>(`SELECT s.started_at / ${QUARTER_MS} AS q, ${SESSION_METRICS} FROM sessions s WHERE ${where.sql} GROUP BY q`)
    .all(...where.params);
  const byQuarter = new Map<number, TimeTally>(rows.map((r) => [r.q, { at: r.q * QUARTER_MS, tally: toTally(r), revenue: {} }]));
  const revenue = sqlite
    .query<{ q: number; currency: string; verified: number; minor: number }, Param[]>(
      `SELECT s.started_at / ${QUARTER_MS} AS q, e.currency AS currency, e.verified AS verified, sum(e.revenue_minor) AS minor
       ${revenueFrom(where.sql)} GROUP BY 1, 2, 3`,
    )
    .all(scope.key, scope.from, scope.to + DAY_MS, ...where.params);
  for (const r of revenue) {
    const u = byQuarter.get(r.q);
    if (u) addRevenue(u.revenue, r.currency, r.verified, r.minor);
  }
  return [...byQuarter.values()];
}
