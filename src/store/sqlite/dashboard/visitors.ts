// Distinct visitors (visitor keys) among the visits of a scope: not additive over
// hours, so unfiltered ranges (and ranges filtered by one page) take the union of each
// rolled-up hour's visitors (../rollups/visitor-sets.ts) and the rest live; other
// filtered scopes count from sessions.
import type { Database } from "bun:sqlite";
import type { Scope } from "../../../analytics/filters";
import { rolledFilter, type Span, splitRange } from "../rollups/read";
import { BucketedVisitors, OrderedBucketVisitors, rolledVisitorHours } from "../rollups/visitor-sets";
import { freshRollups, type AnalyticsReader } from "./reader";
import { keyed, type KeyedScope, type Param, sessionWhere } from "./scope-sql";

/**
 * Unfiltered: whole hours before the rollups' horizon from their visitor sets, the
 * ragged edges and today from sessions; each visitor once per bucket (`keyOf` of the
 * hour's start, so buckets must be whole hours) and once in the total. Null when
 * nothing is rolled up (a short or recent range, or rollups that cannot be written).
 */
function rolledVisitors(reader: AnalyticsReader, scope: KeyedScope, keyOf: (ms: number) => number): { perKey: Map<number, number>; total: number } | null {
  const filter = rolledFilter(scope);
  const page = filter?.dim === "page_visits" ? filter.value : null;
  if (scope.filters.length && page === null) return null;
  const split = splitRange(scope.from, scope.to, "hour", freshRollups(reader, scope.funnelId));
  if (!split.rolled) return null;
  // In time order (the ragged start, the rolled hours, the ragged end and today), so that
  // only one bucket's visitors are held at a time.
  const buckets = new OrderedBucketVisitors();
  const bag = (at: number) => buckets.bag(keyOf(at));
  const rolled = split.rolled;
  const live = (span: Span) => {
    const where = sessionWhere({ ...scope, ...span });
    const rows = reader.sqlite.query<{ v: number; startedAt: number }, Param[]>(
      `SELECT s.visitor AS v, s.started_at AS startedAt FROM sessions s INDEXED BY sessions_funnel_started WHERE ${where.sql} ORDER BY s.started_at`,
    );
    for (const { v, startedAt } of rows.iterate(...where.params)) bag(startedAt).add(v);
  };
  for (const span of split.live) if (span.to <= rolled.from) live(span);
  rolledVisitorHours(reader.sqlite, scope.funnelId, rolled, page, (at, blob) => bag(at).addBlob(blob));
  for (const span of split.live) if (span.to > rolled.from) live(span);
  return buckets.counts();
}

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

export function countVisitors(reader: AnalyticsReader, unkeyed: Scope, historyStart: number | null): number {
  const { sqlite } = reader;
  const scope = keyed(sqlite, unkeyed);
  const rolled = rolledVisitors(reader, scope, () => 0);
  if (rolled) return rolled.total;
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
 * s.started_at, with its parameters, for the filtered case. `hourBuckets`: every
 * bucket is whole UTC hours (the rollups' visitor sets can be used). From the rollups
 * or the index walk it also yields the distinct visitors of the whole range, for free.
 */
export function visitorsPerKey(
  reader: AnalyticsReader,
  unkeyed: Scope,
  historyStart: number | null,
  keyOf: (ms: number) => number,
  keySql: { sql: string; params: number[] },
  hourBuckets: boolean,
): { perKey: Map<number, number>; total: number | null } {
  const { sqlite } = reader;
  const scope = keyed(sqlite, unkeyed);
  const rolled = hourBuckets ? rolledVisitors(reader, scope, keyOf) : null;
  if (rolled) return rolled;
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
  // Filtered: each visit's bucket and visitor, counted here (distinct per bucket and
  // over the range at once) instead of a count(DISTINCT) per bucket and another for the cards.
  const where = sessionWhere(scope);
  const rows = sqlite
    .query<{ k: number; v: number }, Param[]>(`SELECT ${keySql.sql} AS k, s.visitor AS v FROM sessions s WHERE ${where.sql}`)
    .iterate(...keySql.params, ...where.params);
  const buckets = new BucketedVisitors();
  for (const { k, v } of rows) buckets.bag(k).add(v);
  return buckets.counts();
}
