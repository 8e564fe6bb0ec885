// The SQL behind the funnel report: per event that may matter to a journey, the
// visitor (contact id, else anonymous id), the time, and the steps it is a hit for
// as a bit mask. The step rules are the ones of steps-definition: glob.ts gives the
// RegExp and the GLOB from one parse, so SQL and TypeScript agree; only `where`
// props are left to TypeScript (funnel-journeys.ts).
import type { SQLQueryBindings } from "bun:sqlite";
import { PASSIVE_EVENT_NAMES, stepSqlFilter, type Step, type StepsDefinition } from "../funnels/steps-definition";
import { EVENT_TYPE_LIST } from "./filters";
import { DAY_MS } from "./timezone";

export const BREAKDOWN_DIMENSIONS = [
  "channel", "referrer", "utm_source", "utm_medium", "utm_campaign", "device", "browser", "country", "landing_page",
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** A piece of SQL and its parameters, in placeholder order. */
export interface SqlPredicate {
  sql: string;
  params: SQLQueryBindings[];
}

export interface JourneyQuery {
  def: StepsDefinition;
  /** Entries (step 1) in [from, to); later steps are read up to to + window. */
  from: number;
  to: number;
  breakdown?: BreakdownDimension;
  /** Selects the ids of the visits a journey may start in (the dashboard filters); all when absent. */
  entryVisits?: SqlPredicate;
}

/**
 * Where each value sits in a journey row; -1 for values the query does not need
 * (props without `where` steps, dim without a breakdown, brk outside strict order).
 */
export interface JourneyColumns {
  /** contact_id (a number) when known, else anonymous_id (a string). */
  key: number;
  ts: number;
  mask: number;
  revenue: number;
  currency: number;
  props: number;
  dim: number;
  brk: number;
}

const DIMENSION_SQL: Record<Exclude<BreakdownDimension, "landing_page">, string> = {
  channel: "channel", referrer: "referrer_host", utm_source: "utm_source", utm_medium: "utm_medium",
  utm_campaign: "utm_campaign", device: "device", browser: "browser", country: "country",
};

const IDX = "events INDEXED BY events_funnel_type_name";

const q = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const or = (ps: SqlPredicate[]): SqlPredicate =>
  ps.length ? { sql: ps.map((p) => `(${p.sql})`).join(" OR "), params: ps.flatMap((p) => p.params) } : { sql: "0", params: [] };

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
 * Row ids of the step's possible hits in [from, end), read from the covering
 * (funnel_id, type, name, path, ts, session_id) index alone. Page views go by every
 * name page views carry (the pv_names CTE), so path and ts can be searched; events by
 * every type. `+ts` keeps SQLite from a skip-scan over paths, which ANALYZE makes
 * look cheap and is not.
 */
function stepRowIds(funnelId: string, step: Step, from: number, end: number): SqlPredicate[] {
  const f = stepSqlFilter(step);
  const head = `SELECT rowid FROM ${IDX} WHERE funnel_id = ? AND`;
  if (f.kind === "conversion") return [{ sql: `${head} type = 'conversion' AND +ts >= ? AND +ts < ?`, params: [funnelId, from, end] }];
  if (f.kind === "event") {
    const name = f.literal === undefined ? "name GLOB ?" : "name = ?";
    return [{ sql: `${head} type IN (${EVENT_TYPE_LIST}) AND ${name} AND +ts >= ? AND +ts < ?`, params: [funnelId, f.literal ?? f.glob, from, end] }];
  }
  if (f.kind === "page" && f.literals) {
    const sql = `${head} type = 'page_view' AND name IN pv_names AND path IN (${q(f.literals.length)}) AND ts >= ? AND ts < ?`;
    return [{ sql, params: [funnelId, ...f.literals, from, end] }];
  }
  if (f.kind === "page") {
    return f.globs.map((g) => ({ sql: `${head} type = 'page_view' AND name IN pv_names AND path GLOB ? AND ts >= ? AND ts < ?`, params: [funnelId, g, from, end] }));
  }
  return [];
}

/** The distinct names of the funnel's page views (server-side ones may carry their own), one index seek each. */
const PAGE_VIEW_NAMES = `pv_names(v) AS (
  SELECT (SELECT min(name) FROM ${IDX} WHERE funnel_id = ? AND type = 'page_view')
  UNION ALL SELECT (SELECT min(name) FROM ${IDX} WHERE funnel_id = ? AND type = 'page_view' AND name > pv_names.v) FROM pv_names WHERE v IS NOT NULL)`;

/**
 * Builds the SQL; params are bound in the order the placeholders appear.
 * - sequential: only the possible hits (and conversions, for revenue), found in the
 *   covering index, then read by row id; in row id order (time order per visitor is
 *   restored in TypeScript).
 * - strict: one pass over [from, to + window) by the (funnel_id, ts) index, in time
 *   order, keeping also every order-breaking event, so gaps between hits can be seen.
 */
export function journeySql(funnelId: string, query: JourneyQuery): { sql: string; params: SQLQueryBindings[]; columns: JourneyColumns } {
  const { def, from, to, entryVisits } = query;
  const end = to + def.windowMs;
  const strict = def.order === "strict";
  const matches = def.steps.map(stepMatch);
  const ctes: SqlPredicate[] = [];
  // Materialized once: both the step-1 bit and the step-1 row ids below use it.
  if (entryVisits) ctes.push({ sql: `entry_visits(id) AS MATERIALIZED (${entryVisits.sql})`, params: entryVisits.params });
  const inEntryVisit = entryVisits ? " AND session_id IN entry_visits" : "";
  const params: SQLQueryBindings[] = [];
  const cols: string[] = [];
  const col = (sql: string, ...ps: SQLQueryBindings[]) => {
    params.push(...ps);
    return cols.push(sql) - 1;
  };

  const columns: JourneyColumns = {
    key: col("coalesce(contact_id, anonymous_id)"),
    ts: col("ts"),
    mask: col(matches.map((m, i) => `CASE WHEN ${i === 0 ? `(${m.sql})${inEntryVisit}` : m.sql} THEN ${1 << i} ELSE 0 END`).join(" | "), ...matches.flatMap((m) => m.params)),
    revenue: col("CASE WHEN type = 'conversion' THEN revenue_minor END"),
    currency: col("CASE WHEN type = 'conversion' AND revenue_minor IS NOT NULL THEN currency END"),
    props: -1,
    dim: -1,
    brk: -1,
  };
  // Props are only read (and parsed) for events that may be hits of a step with `where`.
  const whereSteps = or(matches.filter((_, i) => def.steps[i].where));
  if (whereSteps.sql !== "0") columns.props = col(`CASE WHEN ${whereSteps.sql} THEN props END`, ...whereSteps.params);
  // The breakdown value is only read for step-1 hits. Landing page: the entry page of
  // the visit, for visits that started up to a day before the range (as the filters).
  if (query.breakdown === "landing_page") {
    const entryPage = "(SELECT s.entry_path FROM sessions s WHERE s.funnel_id = ? AND s.id = events.session_id AND s.started_at >= ? AND s.started_at < ?)";
    columns.dim = col(`CASE WHEN ${matches[0].sql} THEN ${entryPage} END`, ...matches[0].params, funnelId, from - DAY_MS, to);
  } else if (query.breakdown) {
    columns.dim = col(`CASE WHEN ${matches[0].sql} THEN ${DIMENSION_SQL[query.breakdown]} END`, ...matches[0].params);
  }
  const breaking = { sql: `type IN ('page_view', 'conversion') OR (type = 'track' AND name NOT IN (${q(PASSIVE_EVENT_NAMES.length)}))`, params: [...PASSIVE_EVENT_NAMES] };
  if (strict) columns.brk = col(`CASE WHEN ${breaking.sql} THEN 1 ELSE 0 END`, ...breaking.params);

  let body: SqlPredicate;
  if (strict) {
    const keep = or([...matches, breaking]);
    body = { sql: `FROM events WHERE funnel_id = ? AND ts >= ? AND ts < ? AND (${keep.sql})\nORDER BY ts, row_id`, params: [funnelId, from, end, ...keep.params] };
  } else {
    // Step-1 hits only count inside [from, to) and in the entry visits: the others
    // need not be read at all (session_id is in the index).
    const entries = stepRowIds(funnelId, def.steps[0], from, to).map((p) => ({ sql: p.sql + inEntryVisit, params: p.params }));
    const ids = [...entries, ...def.steps.slice(1).flatMap((s) => stepRowIds(funnelId, s, from, end))];
    if (!def.steps.some((s, i) => i > 0 && stepSqlFilter(s).kind === "conversion")) {
      ids.push({ sql: `SELECT rowid FROM ${IDX} WHERE funnel_id = ? AND type = 'conversion' AND +ts >= ? AND +ts < ?`, params: [funnelId, from, end] });
    }
    if (ids.some((p) => p.sql.includes("pv_names"))) ctes.push({ sql: PAGE_VIEW_NAMES, params: [funnelId, funnelId] });
    body = { sql: `FROM events WHERE rowid IN (\n  ${ids.map((p) => p.sql).join("\n  UNION ALL ")}\n)\nORDER BY rowid`, params: ids.flatMap((p) => p.params) };
  }
  const withClause = ctes.length ? `WITH RECURSIVE ${ctes.map((c) => c.sql).join(",\n")}\n` : "";
  return {
    sql: `${withClause}SELECT ${cols.join(", ")}\n${body.sql}`,
    params: [...ctes.flatMap((c) => c.params), ...params, ...body.params],
    columns,
  };
}
