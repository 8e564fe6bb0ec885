// The SQL behind the funnel report: per event that may matter to a journey, the
// visitor (contact id, else anonymous id), the time, its row id and the steps it is a
// hit for as a bit mask. The step rules are the ones of steps-definition: glob.ts
// gives the RegExp and the GLOB from one parse, so SQL and TypeScript agree; only
// `where` props are left to TypeScript (load-journeys.ts). Whole past days are read
// from their copies (rollup-sql.ts); the query here reads events (today, or all of
// the range when the copies cannot be brought up to date).
import type { SQLQueryBindings } from "bun:sqlite";
import { PASSIVE_EVENT_NAMES, stepSqlFilter, type Step } from "../../../funnels/steps-definition";
import { EVENT_TYPE_LIST } from "../dashboard/scope-sql";
import type { BreakdownDimension, JourneyQuery } from "../../journey-reader";
import { DAY_MS } from "../../../analytics/timezone";

/** A piece of SQL and its parameters, in placeholder order. */
export interface SqlPredicate {
  sql: string;
  params: SQLQueryBindings[];
}

/** The query with its filters turned into SQL. */
export interface SqlJourneyQuery extends JourneyQuery {
  /** Selects the ids of the visits a journey may start in (the dashboard filters); all when absent. */
  entryVisits?: SqlPredicate;
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
  /** contact_id (a number) when known, else anonymous_id (a string). */
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

const DIMENSION_SQL: Record<Exclude<BreakdownDimension, "landing_page">, string> = {
  channel: "channel", referrer: "referrer_host", utm_source: "utm_source", utm_medium: "utm_medium",
  utm_campaign: "utm_campaign", device: "device", browser: "browser", country: "country",
};

const IDX = "events INDEXED BY events_funnel_type_name";

const q = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const or = (ps: SqlPredicate[]): SqlPredicate =>
  ps.length ? { sql: ps.map((p) => `(${p.sql})`).join(" OR "), params: ps.flatMap((p) => p.params) } : { sql: "0", params: [] };

/** Page views, conversions and custom events other than the passive auto-captures. */
export const BREAKING: SqlPredicate = {
  sql: `type IN ('page_view', 'conversion') OR (type = 'track' AND name NOT IN (${q(PASSIVE_EVENT_NAMES.length)}))`,
  params: [...PASSIVE_EVENT_NAMES],
};

/** Whether an events row is a hit for the step (its `where` aside). */
function stepMatch(step: Step): SqlPredicate {
  const f = stepSqlFilter(step);
  if (f.kind === "conversion") return { sql: "type = 'conversion'", params: [] };
  if (f.kind === "event") return f.literal === undefined ? { sql: "name GLOB ?", params: [f.glob] } : { sql: "name = ?", params: [f.literal] };
  if (f.kind === "page" && f.literals) return { sql: `type = 'page_view' AND path IN (${q(f.literals.length)})`, params: f.literals };
  if (f.kind === "page" && f.globs.length) return { sql: `type = 'page_view' AND (${f.globs.map(() => "path GLOB ?").join(" OR ")})`, params: f.globs };
  return { sql: "0", params: [] };
}

/**
 * Conditions that find the step's possible hits in [from, to) by an index: the
 * covering (funnel_id, type, name, path, ts, session_id) one of events, or the
 * (funnel_id, day, type, name, path, ts) key of journey_events. Page views go by every
 * name page views carry (pv_names), so path and ts can be searched. In events, `+ts`
 * keeps SQLite from a skip-scan over paths, which ANALYZE makes look cheap and is not;
 * in the rollup, events other than page views have path "", so ts can be searched,
 * and a page view without a path has path "" and has_path 0.
 */
export function stepLookups(step: Step, from: number, to: number, rollup: boolean): SqlPredicate[] {
  const f = stepSqlFilter(step);
  const ts = rollup ? "ts >= ? AND ts < ?" : "+ts >= ? AND +ts < ?";
  if (f.kind === "conversion") return [{ sql: `type = 'conversion' AND ${ts}`, params: [from, to] }];
  if (f.kind === "event") {
    const name = { sql: f.literal === undefined ? "name GLOB ?" : "name = ?", params: [f.literal ?? f.glob] };
    if (!rollup) return [{ sql: `type IN (${EVENT_TYPE_LIST}) AND ${name.sql} AND ${ts}`, params: [...name.params, from, to] }];
    return [
      { sql: `type IN (${EVENT_TYPE_LIST}) AND type <> 'page_view' AND ${name.sql} AND path = '' AND ${ts}`, params: [...name.params, from, to] },
      { sql: `type = 'page_view' AND ${name.sql} AND ${ts}`, params: [...name.params, from, to] },
    ];
  }
  const pageView = `type = 'page_view' AND name IN pv_names${rollup ? " AND has_path = 1" : ""}`;
  if (f.kind === "page" && f.literals) return [{ sql: `${pageView} AND path IN (${q(f.literals.length)}) AND ts >= ? AND ts < ?`, params: [...f.literals, from, to] }];
  if (f.kind === "page") return f.globs.map((g) => ({ sql: `${pageView} AND path GLOB ? AND ts >= ? AND ts < ?`, params: [g, from, to] }));
  return [];
}

/** The distinct names of the funnel's page views (server-side ones may carry their own), one index seek each. */
const PAGE_VIEW_NAMES = `pv_names(v) AS (
  SELECT (SELECT min(name) FROM ${IDX} WHERE funnel_id = ? AND type = 'page_view')
  UNION ALL SELECT (SELECT min(name) FROM ${IDX} WHERE funnel_id = ? AND type = 'page_view' AND name > pv_names.v) FROM pv_names WHERE v IS NOT NULL)`;

/** The WITH clause for the CTEs a query uses (entry_visits is materialized once, used twice). */
export function withClause(funnelId: string, query: SqlJourneyQuery, sql: string): SqlPredicate {
  const ctes: SqlPredicate[] = [];
  if (query.entryVisits) ctes.push({ sql: `entry_visits(id) AS MATERIALIZED (${query.entryVisits.sql})`, params: query.entryVisits.params });
  if (sql.includes("pv_names")) ctes.push({ sql: PAGE_VIEW_NAMES, params: [funnelId, funnelId] });
  return ctes.length ? { sql: `WITH RECURSIVE ${ctes.map((c) => c.sql).join(",\n")}\n`, params: ctes.flatMap((c) => c.params) } : { sql: "", params: [] };
}

/** The breakdown value of an event, given how to read an events column of it. */
export function dimensionSql(funnelId: string, query: SqlJourneyQuery, column: (name: string) => string): SqlPredicate {
  if (query.breakdown !== "landing_page") return { sql: column(DIMENSION_SQL[query.breakdown!]), params: [] };
  // The entry page of the visit, for visits that started up to a day before the range (as the filters).
  return {
    sql: `(SELECT s.entry_path FROM sessions s WHERE s.funnel_id = ? AND s.id = ${column("session_id")} AND s.started_at >= ? AND s.started_at < ?)`,
    params: [funnelId, query.from - DAY_MS, query.to],
  };
}

/**
 * Journey rows from events, in no particular order; params are bound in the order the
 * placeholders appear. The step bits are computed per row (step 1 only in the entry visits).
 * - strict order, or part.scan: one pass by (funnel_id, ts), keeping the possible
 *   hits, conversions and (strict) every order-breaking event, so gaps can be seen.
 * - sequential: only the possible hits (and conversions, for revenue), found in the
 *   covering index, then read by row id. Step-1 hits are only read inside [from, to).
 */
export function eventsJourneySql(funnelId: string, query: SqlJourneyQuery, part: JourneyPart): SqlPredicate {
  const { def, entryVisits } = query;
  const c = journeyColumns(query);
  const matches = def.steps.map(stepMatch);
  const inEntryVisit = entryVisits ? " AND session_id IN entry_visits" : "";
  const cols: SqlPredicate[] = [
    { sql: "coalesce(contact_id, anonymous_id), ts, row_id", params: [] },
    { sql: matches.map((m, i) => `CASE WHEN ${i === 0 ? `(${m.sql})${inEntryVisit}` : m.sql} THEN ${1 << i} ELSE 0 END`).join(" | "), params: matches.flatMap((m) => m.params) },
    { sql: "CASE WHEN type = 'conversion' THEN revenue_minor END, CASE WHEN type = 'conversion' AND revenue_minor IS NOT NULL THEN currency END", params: [] },
  ];
  // Props are only read (and parsed) for events that may be hits of a step with `where`.
  const whereSteps = or(matches.filter((_, i) => def.steps[i].where));
  if (c.props >= 0) cols.push({ sql: `CASE WHEN ${whereSteps.sql} THEN props END`, params: whereSteps.params });
  if (c.dim >= 0) {
    const dim = dimensionSql(funnelId, query, (name) => `j.${name}`);
    cols.push({ sql: `CASE WHEN ${matches[0].sql} THEN ${dim.sql} END`, params: [...matches[0].params, ...dim.params] });
  }
  if (c.brk >= 0) cols.push({ sql: `CASE WHEN ${BREAKING.sql} THEN 1 ELSE 0 END`, params: BREAKING.params });

  let body: SqlPredicate;
  if (def.order === "strict" || part.scan) {
    const keep = or([...matches, def.order === "strict" ? BREAKING : { sql: "type = 'conversion'", params: [] }]);
    body = { sql: "FROM events AS j WHERE funnel_id = ? AND ts >= ? AND ts < ? AND (" + keep.sql + ")", params: [funnelId, part.from, part.to, ...keep.params] };
  } else {
    // Step-1 hits outside the entry visits need not be read at all (session_id is in the index).
    const entryFrom = Math.max(part.from, query.from);
    const entryTo = Math.min(part.to, query.to);
    const lookups = [
      ...(entryFrom < entryTo ? stepLookups(def.steps[0], entryFrom, entryTo, false) : []).map((p) => ({ sql: p.sql + inEntryVisit, params: p.params })),
      ...def.steps.slice(1).flatMap((s) => stepLookups(s, part.from, part.to, false)),
      { sql: "type = 'conversion' AND +ts >= ? AND +ts < ?", params: [part.from, part.to] },
    ];
    body = {
      sql: `FROM events AS j WHERE rowid IN (\n  ${lookups.map((p) => `SELECT rowid FROM ${IDX} WHERE funnel_id = ? AND ${p.sql}`).join("\n  UNION ALL ")}\n)`,
      params: lookups.flatMap((p) => [funnelId, ...p.params]),
    };
  }
  const select = `SELECT ${cols.map((x) => x.sql).join(", ")}\n${body.sql}`;
  const w = withClause(funnelId, query, select);
  return { sql: w.sql + select, params: [...w.params, ...cols.flatMap((x) => x.params), ...body.params] };
}
