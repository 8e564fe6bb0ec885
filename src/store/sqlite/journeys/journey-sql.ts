// The SQL behind the funnel report: per event that may matter to a journey, the
// visitor (contact id, else minus the visitor key), the time, its row id and the steps
// it is a hit for as a bit mask. The step rules are the ones of steps-definition: glob.ts
// gives the RegExp and the GLOB from one parse, so SQL and TypeScript agree; only
// `where` props are left to TypeScript (load-journeys.ts). Whole past days are read
// from their copies (rollup-sql.ts); the query here reads events (today, or all of
// the range when the copies cannot be brought up to date).
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { ANY_CONVERSION, PASSIVE_EVENT_NAMES, stepSqlFilter, type Step } from "../../../funnels/steps-definition";
import { EVENT_TYPE_LIST } from "../dashboard/scope-sql";
import type { BreakdownDimension, JourneyQuery } from "../../journey-reader";
import { DAY_MS } from "../../../analytics/timezone";
import { PROPS_SQL } from "../layout";

/** A piece of SQL and its parameters, in placeholder order. */
export interface SqlPredicate {
  sql: string;
  params: SQLQueryBindings[];
}

/** The query with its filters turned into SQL. */
export interface SqlJourneyQuery extends JourneyQuery {
  /** Selects the keys of the visits a journey may start in (the dashboard filters); all when absent. */
  entryVisits?: SqlPredicate;
  /** The kind ids of conditions on kinds, read from this connection. */
  kinds: Kinds;
}

/** What one query reads: event times [from, to), from journey_events (rollup) or events. */
export interface JourneyPart {
  rollup: boolean;
  from: number;
  to: number;
  /** From events, by one pass over time: the span holds few events (today's). */
  scan?: boolean;
}

/**
 * Where each value sits in a journey row; -1 for values the query does not need
 * (props without `where` steps, dim without a breakdown, brk outside strict order).
 * The same event may come in several rows (found by several lookups): their masks
 * and brk are or-ed, the other values taken from whichever row has them.
 */
export interface JourneyColumns {
  /** contact_id (> 0) when known, else minus the visitors key (< 0). */
  key: number;
  ts: number;
  rowId: number;
  mask: number;
  revenue: number;
  currency: number;
  props: number;
  dim: number;
  brk: number;
}

export function journeyColumns(query: SqlJourneyQuery): JourneyColumns {
  let n = 6;
  return {
    key: 0, ts: 1, rowId: 2, mask: 3, revenue: 4, currency: 5,
    props: query.def.steps.some((s) => s.where) ? n++ : -1,
    dim: query.breakdown ? n++ : -1,
    brk: query.def.order === "strict" ? n++ : -1,
  };
}

/** Which dictionary column a breakdown reads, through the event's own dictionary ids. */
const DIMENSION_SQL: Record<Exclude<BreakdownDimension, "landing_page">, [table: string, ref: string, column: string]> = {
  channel: ["sources", "source", "channel"], referrer: ["sources", "source", "referrer_host"],
  utm_source: ["sources", "source", "utm_source"], utm_medium: ["sources", "source", "utm_medium"],
  utm_campaign: ["sources", "source", "utm_campaign"], device: ["clients", "client", "device"],
  browser: ["clients", "client", "browser"], country: ["places", "place", "country"],
};

const IDX = "events INDEXED BY events_funnel_kind";

const q = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const or = (ps: SqlPredicate[]): SqlPredicate =>
  ps.length ? { sql: ps.map((p) => `(${p.sql})`).join(" OR "), params: ps.flatMap((p) => p.params) } : { sql: "0", params: [] };

/**
 * The ids of the kinds (type + name) whose row meets a condition, read before the
 * query (the table is small): the planner then knows the list, and a lookup for a kind
 * the database never saw is left out instead of searched for.
 */
export type Kinds = (where: string, params?: SQLQueryBindings[]) => number[];

export function kindsOf(sqlite: Database): Kinds {
  const seen = new Map<string, number[]>();
  return (where, params = []) => {
    const k = `${where}\u0000${JSON.stringify(params)}`;
    let ids = seen.get(k);
    if (!ids) {
      ids = sqlite.query<{ id: number }, SQLQueryBindings[]>(`SELECT id FROM kinds WHERE ${where} ORDER BY id`).all(...params).map((r) => r.id);
      seen.set(k, ids);
    }
    return ids;
  };
}

/** `kind IN (…)` with the ids as integer literals; null when there are none. */
function kindIn(kinds: Kinds, where: string, params: SQLQueryBindings[] = []): SqlPredicate | null {
  const ids = kinds(where, params);
  return ids.length ? { sql: `kind IN (${ids.join(", ")})`, params: [] } : null;
}
const FALSE: SqlPredicate = { sql: "0", params: [] };

/** `path IN (…)`: the strings ids of the given paths, or of those matching a glob. */
const pathIn = (values: string[]): SqlPredicate => ({ sql: `path IN (SELECT id FROM strings WHERE value IN (${q(values.length)}))`, params: values });
const pathGlob = (glob: string): SqlPredicate => ({ sql: "path IN (SELECT id FROM strings WHERE value GLOB ?)", params: [glob] });

/** The conjunction; null when a part is (a kind list that is empty). */
const and = (...ps: (SqlPredicate | null)[]): SqlPredicate | null =>
  ps.some((p) => p === null) ? null : { sql: ps.map((p) => p!.sql).join(" AND "), params: ps.flatMap((p) => p!.params) };

export const conversions = (kinds: Kinds): SqlPredicate => kindIn(kinds, "type = 'conversion'") ?? FALSE;
const pageViews = (kinds: Kinds) => kindIn(kinds, "type = 'page_view'");

/** Page views, conversions and custom events other than the passive auto-captures. */
export const breaking = (kinds: Kinds): SqlPredicate =>
  kindIn(kinds, `type IN ('page_view', 'conversion') OR (type = 'track' AND name NOT IN (${q(PASSIVE_EVENT_NAMES.length)}))`, [...PASSIVE_EVENT_NAMES]) ?? FALSE;

/** Whether an events row is a hit for the step (its `where` aside). */
function stepMatch(step: Step, kinds: Kinds): SqlPredicate {
  const f = stepSqlFilter(step);
  if (f.kind === "conversion") return conversions(kinds);
  if (f.kind === "event") return (f.literal === undefined ? kindIn(kinds, "name GLOB ?", [f.glob]) : kindIn(kinds, "name = ?", [f.literal])) ?? FALSE;
  if (f.kind === "page" && f.literals) return and(pageViews(kinds), pathIn(f.literals)) ?? FALSE;
  if (f.kind === "page" && f.globs.length) return and(pageViews(kinds), or(f.globs.map(pathGlob))) ?? FALSE;
  return FALSE;
}

/**
 * Conditions that find the step's possible hits in [from, to) by an index: the
 * covering (funnel, kind, path, ts, session) one of events, or the
 * (funnel, day, kind, path, ts) key of journey_events. Kinds are id lists, paths
 * dictionary ids looked up by a sub-select. In events, `+ts` keeps SQLite from a
 * skip-scan over paths, which ANALYZE makes look cheap and is not; in the rollup,
 * events other than page views have path 0, so ts can be searched, and a page view
 * without a path has path 0 and has_path 0.
 */
export function stepLookups(step: Step, from: number, to: number, rollup: boolean, kinds: Kinds): SqlPredicate[] {
  const f = stepSqlFilter(step);
  const ts = { sql: rollup ? "ts >= ? AND ts < ?" : "+ts >= ? AND +ts < ?", params: [from, to] };
  const range = { sql: "ts >= ? AND ts < ?", params: [from, to] };
  const noPath = { sql: "path = 0", params: [] };
  const found = (...ps: (SqlPredicate | null)[]) => ps.filter((p): p is SqlPredicate => p !== null);
  const conversion = kindIn(kinds, "type = 'conversion'");
  if (f.kind === "conversion") return found(rollup ? and(conversion, noPath, ts) : and(conversion, ts));
  if (f.kind === "event") {
    const name = f.literal === undefined ? { sql: "name GLOB ?", params: [f.glob] } : { sql: "name = ?", params: [f.literal] };
    if (!rollup) return found(and(kindIn(kinds, `type IN (${EVENT_TYPE_LIST}) AND ${name.sql}`, name.params), ts));
    return found(
      and(kindIn(kinds, `type IN (${EVENT_TYPE_LIST}) AND type <> 'page_view' AND ${name.sql}`, name.params), noPath, ts),
      and(kindIn(kinds, `type = 'page_view' AND ${name.sql}`, name.params), ts),
    );
  }
  const pageView = rollup ? and(pageViews(kinds), { sql: "has_path = 1", params: [] }) : pageViews(kinds);
  if (f.kind === "page" && f.literals) return found(and(pageView, pathIn(f.literals), range));
  if (f.kind === "page") return found(...f.globs.map((g) => and(pageView, pathGlob(g), range)));
  return [];
}

/** The WITH clause for the entry visits (materialized once, used by several lookups). */
export function withClause(query: SqlJourneyQuery): SqlPredicate {
  if (!query.entryVisits) return { sql: "", params: [] };
  return { sql: `WITH entry_visits(key) AS MATERIALIZED (${query.entryVisits.sql})\n`, params: query.entryVisits.params };
}

/**
 * The breakdown value of an event, as SQL over an events row `e` (its dictionary ids);
 * `at` wraps it for where that row is (events read directly, or by row id from the copy).
 */
export function dimensionSql(key: number, query: SqlJourneyQuery, at: (expr: string) => string): SqlPredicate {
  if (query.breakdown !== "landing_page") {
    const [table, ref, column] = DIMENSION_SQL[query.breakdown!];
    return { sql: at(`(SELECT d.${column} FROM ${table} d WHERE d.id = e.${ref})`), params: [] };
  }
  // The entry page of the visit, for visits that started up to a day before the range (as the filters).
  return {
    sql: at(`(SELECT p.value FROM sessions s JOIN strings p ON p.id = s.entry_path
      WHERE s.key = e.session AND s.funnel = ? AND s.started_at >= ? AND s.started_at < ?)`),
    params: [key, query.from - DAY_MS, query.to],
  };
}

/**
 * Journey rows from events, in no particular order; params are bound in the order the
 * placeholders appear. The step bits are computed per row (step 1 only in the entry visits).
 * The visitor is contact_id when known, else minus the visitor key (load-journeys.ts).
 * - strict order, or part.scan: one pass by (funnel, ts), keeping the possible
 *   hits, conversions and (strict) every order-breaking event, so gaps can be seen.
 * - sequential: only the possible hits (and conversions, for revenue), found in the
 *   covering index, then read by row id. Step-1 hits are only read inside [from, to).
 */
export function eventsJourneySql(key: number, query: SqlJourneyQuery, part: JourneyPart): SqlPredicate {
  const { def, entryVisits } = query;
  const c = journeyColumns(query);
  const { kinds } = query;
  const matches = def.steps.map((s) => stepMatch(s, kinds));
  const CONVERSION = conversions(kinds);
  const BREAKING = breaking(kinds);
  const inEntryVisit = entryVisits ? " AND session IN entry_visits" : "";
  const cols: SqlPredicate[] = [
    { sql: "coalesce(contact_id, -visitor) AS k, ts AS ts, row_id AS r", params: [] },
    { sql: matches.map((m, i) => `CASE WHEN ${i === 0 ? `(${m.sql})${inEntryVisit}` : m.sql} THEN ${1 << i} ELSE 0 END`).join(" | ") + " AS m", params: matches.flatMap((m) => m.params) },
    {
      sql: `CASE WHEN ${CONVERSION.sql} THEN revenue_minor END AS rv, CASE WHEN revenue_minor IS NOT NULL AND ${CONVERSION.sql} THEN currency END AS cur`,
      params: [...CONVERSION.params, ...CONVERSION.params],
    },
  ];
  // Props are only read (and parsed) for events that may be hits of a step with `where`.
  const whereSteps = or(matches.filter((_, i) => def.steps[i].where));
  if (c.props >= 0) cols.push({ sql: `CASE WHEN ${whereSteps.sql} THEN ${PROPS_SQL("e")} END AS props`, params: whereSteps.params });
  if (c.dim >= 0) {
    const dim = dimensionSql(key, query, (x) => x);
    cols.push({ sql: `CASE WHEN ${matches[0].sql} THEN ${dim.sql} END AS dim`, params: [...matches[0].params, ...dim.params] });
  }
  if (c.brk >= 0) cols.push({ sql: `CASE WHEN ${BREAKING.sql} THEN 1 ELSE 0 END AS brk`, params: BREAKING.params });

  let body: SqlPredicate;
  if (def.order === "strict" || part.scan) {
    const keep = or([...matches, def.order === "strict" ? BREAKING : CONVERSION]);
    body = { sql: "FROM events AS e WHERE funnel = ? AND ts >= ? AND ts < ? AND (" + keep.sql + ")", params: [key, part.from, part.to, ...keep.params] };
  } else {
    // Step-1 hits outside the entry visits need not be read at all (session is in the index).
    const entryFrom = Math.max(part.from, query.from);
    const entryTo = Math.min(part.to, query.to);
    const lookups = [
      ...(entryFrom < entryTo ? stepLookups(def.steps[0], entryFrom, entryTo, false, kinds) : []).map((p) => ({ sql: p.sql + inEntryVisit, params: p.params })),
      ...def.steps.slice(1).flatMap((s) => stepLookups(s, part.from, part.to, false, kinds)),
      ...stepLookups({ name: "", event: ANY_CONVERSION }, part.from, part.to, false, kinds),
    ];
    if (!lookups.length) lookups.push(FALSE);
    body = {
      sql: `FROM events AS e WHERE rowid IN (\n  ${lookups.map((p) => `SELECT rowid FROM ${IDX} WHERE funnel = ? AND ${p.sql}`).join("\n  UNION ALL ")}\n)`,
      params: lookups.flatMap((p) => [key, ...p.params]),
    };
  }
  const select = `SELECT ${cols.map((x) => x.sql).join(", ")}\n${body.sql}`;
  const w = withClause(query);
  return { sql: w.sql + select, params: [...w.params, ...cols.flatMap((x) => x.params), ...body.params] };
}
