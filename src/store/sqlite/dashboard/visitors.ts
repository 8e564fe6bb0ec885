// Distinct visitors (visitor keys) among the visits of a scope: not additive over
// hours, so always counted from sessions.
import type { Database } from "bun:sqlite";
import type { Scope } from "../../../analytics/filters";
import { keyed, type Param, sessionWhere } from "./scope-sql";

/**
 * Without filters the (funnel, visitor, started_at) index gives each visitor's visits
 * together and in order, so counting needs no sort; but it spans the funnel's whole
 * history, so it pays only when the range is a good part of that history.
 */
function walkVisitorIndex(scope: Scope, historyStart: number | null): boolean {
  if (scope.filters.length) return false;
  const history = Math.max(1, scope.to - (historyStart ?? scope.from));
  return (scope.to - scope.from) * 4 >= history;
}

export function countVisitors(sqlite: Database, unkeyed: Scope, historyStart: number | null): number {
  const scope = keyed(sqlite, unkeyed);
  if (!scope.filters.length) {
    const index = walkVisitorIndex(scope, historyStart) ? "sessions_funnel_visitor" : "sessions_funnel_started";
    return sqlite
      .query<{ n: number }, Param[]>(
        `SELECT count(DISTINCT visitor) AS n FROM sessions INDEXED BY ${index} WHERE funnel = ? AND started_at >= ? AND started_at < ?`,
      )
      .get(scope.key, scope.from, scope.to)!.n;
  }
  const where = sessionWhere(scope);
  return sqlite.query<{ n: number }, Param[]>(`SELECT count(DISTINCT s.visitor) AS n FROM sessions s WHERE ${where.sql}`).get(...where.params)!.n;
}

/**
 * Distinct visitors per bucket, the bucket of a visit being `keyOf(started_at)`
 * (keys must not decrease as time goes on). `keySql` is the same key as SQL over
 * s.started_at, with its parameters, for the filtered case. When the index walk is
 * used it also yields the distinct visitors of the whole range, for free.
 */
export function visitorsPerKey(
  sqlite: Database,
  unkeyed: Scope,
  historyStart: number | null,
  keyOf: (ms: number) => number,
  keySql: { sql: string; params: number[] },
): { perKey: Map<number, number>; total: number | null } {
  const scope = keyed(sqlite, unkeyed);
  const out = new Map<number, number>();
  if (walkVisitorIndex(scope, historyStart)) {
    // Iterated, never materialised: a year of a busy funnel is millions of visits.
    const rows = sqlite
      .query<{ v: number; startedAt: number }, Param[]>(
        "SELECT visitor AS v, started_at AS startedAt FROM sessions INDEXED BY sessions_funnel_visitor WHERE funnel = ? AND started_at >= ? AND started_at < ?",
      )
      .iterate(scope.key, scope.from, scope.to);
    let visitor = -1;
    let lastKey = Number.NaN;
    let total = 0;
    for (const { v, startedAt } of rows) {
      const key = keyOf(startedAt);
      if (v === visitor && key === lastKey) continue;
      if (v !== visitor) total++;
      visitor = v;
      lastKey = key;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    return { perKey: out, total };
  }
  const where = sessionWhere(scope);
  const rows = sqlite
    .query<{ k: number; n: number }, Param[]>(
      `SELECT ${keySql.sql} AS k, count(DISTINCT s.visitor) AS n FROM sessions s WHERE ${where.sql} GROUP BY k`,
    )
    .all(...keySql.params, ...where.params);
  for (const r of rows) out.set(r.k, r.n);
  return { perKey: out, total: null };
}
