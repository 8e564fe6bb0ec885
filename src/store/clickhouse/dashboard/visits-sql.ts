// A scope (funnel, range, filters) as a subquery of visits over ClickHouse, one row per
// visit with the columns of SQLite's sessions table, so each dashboard query ports
// clause by clause. The visits table is folded by background merges; the GROUP BY
// finishes the fold (docs/clickhouse.md, "visits").
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { DAY_MS } from "../../../analytics/timezone";
import { EVENT_TYPES } from "../../../ingest/payload";
import type { Sql } from "./query";

const EVENT_TYPE_LIST = EVENT_TYPES.map((t) => `'${t}'`).join(", ");

/** A visit's attributes: those of the event that opened it. */
export const VISIT_ATTRIBUTES = [
  "channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id",
  "browser", "os", "device", "country", "region", "city",
] as const;

/**
 * The funnel's visits whose partial rows match `where`, folded, with `having` on the
 * folded values. Inner names carry a v_ prefix: an alias equal to a column name would
 * shadow the column inside the aggregates.
 */
function folded(sql: Sql, funnelId: string, where: string, having: string): string {
  return `SELECT
      session_id AS v_id,
      any(anonymous_id) AS v_anon,
      toUnixTimestamp64Milli(min(started_at)) AS v_started,
      toUnixTimestamp64Milli(max(last_at)) AS v_last,
      nullIf(argMinMerge(entry_path), '') AS v_entry,
      nullIf(argMaxMerge(exit_path), '') AS v_exit,
      sum(pageviews) AS v_pageviews,
      sum(events) AS v_events,
      max(engaging) AS v_engaging,
      sum(conversions) AS v_conversions,
      sumMap(revenue) AS v_revenue,
      max(contact_id) AS v_contact,
      ${VISIT_ATTRIBUTES.map((c) => `any(${c}) AS v_${c}`).join(",\n      ")}
    FROM visits
    WHERE funnel_id = ${sql.str(funnelId)} AND ${where}
    GROUP BY funnel_id, visit_start, session_id
    ${having ? `HAVING ${having}` : ""}`;
}

/** Folded visits with the columns of SQLite's sessions table, as a subquery (alias it). */
function shaped(inner: string, where: string[]): string {
  return `(SELECT
      v_id AS id, v_anon AS anonymous_id, v_contact AS contact_id, v_started AS started_at, v_last AS last_at,
      v_last - v_started AS duration_ms, v_entry AS entry_path, v_exit AS exit_path,
      v_pageviews AS pageviews, v_events AS events, toUInt8(v_pageviews <= 1 AND v_engaging = 0) AS bounce,
      toUInt8(v_conversions > 0) AS converted, v_conversions AS conversions, v_revenue AS revenue,
      ${VISIT_ATTRIBUTES.map((c) => `v_${c} AS ${c}`).join(", ")}
    FROM (${inner})
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""})`;
}

/**
 * The scope's visits (started in [from, to), matching the filters) as a subquery:
 * `FROM ${visitRows(…)} AS s`. `started_at` is never after `visit_start` (the opening
 * event's time, the table's key), and a visit lasts far less than a day.
 */
export function visitRows(sql: Sql, scope: Scope): string {
  const where: string[] = [];
  for (const f of scope.filters) {
    const dim = DIMENSIONS[f.key];
    if (dim.kind === "session") {
      where.push(f.value === "" ? `${dim.column} IS NULL` : `${dim.column} = ${sql.str(f.value)}`);
    } else {
      const match = dim.kind === "page" ? `type = 'page_view' AND name = 'page_view' AND path = ${sql.str(f.value)}` : `type IN (${EVENT_TYPE_LIST}) AND name = ${sql.str(f.value)}`;
      where.push(
        `id IN (SELECT session_id FROM events WHERE funnel_id = ${sql.str(scope.funnelId)} AND ${match} AND ts >= ${sql.ms(scope.from)} AND ts < ${sql.ms(scope.to + DAY_MS)})`,
      );
    }
  }
  const range = `visit_start >= ${sql.ms(scope.from)} AND visit_start < ${sql.ms(scope.to + DAY_MS)}`;
  const having = `v_started >= ${sql.bind(scope.from, "Int64")} AND v_started < ${sql.bind(scope.to, "Int64")}`;
  return shaped(folded(sql, scope.funnelId, range, having), where);
}

/** The funnel's visits whose rows match `where` (a condition on visits: session_id, anonymous_id…), whenever they started. */
export function visitsWhere(sql: Sql, funnelId: string, where: string): string {
  return shaped(folded(sql, funnelId, where, "v_started IS NOT NULL"), []);
}

/** Per visit (s): what visits grouped together add up to (the Tally's fields). */
export const VISIT_METRICS = `count() AS visits, sum(s.converted) AS converted, sum(s.conversions) AS conversions,
  sum(s.pageviews) AS pageviews, sum(s.events) AS events, sum(s.bounce) AS bounces, sum(s.duration_ms) AS duration_ms, 0 AS hits`;

/** Per event (e) of visits (s): visits that had it, and how many times it happened. */
export const EVENT_METRICS = `uniqExact(s.id) AS visits, uniqExactIf(s.id, s.converted = 1) AS converted,
  0 AS conversions, 0 AS pageviews, 0 AS events, 0 AS bounces, 0 AS duration_ms, count() AS hits`;

/** A dimension's grouped value over s (visits) or e (events); "" for none. */
export function valueSql(dim: DimensionKey | "all"): string {
  if (dim === "all") return "''";
  if (dim === "region") return "if(s.region IS NULL, '', concat(coalesce(s.country, ''), '\\x1F', s.region))";
  if (dim === "city") return "if(s.city IS NULL, '', concat(coalesce(s.country, ''), '\\x1F', coalesce(s.region, ''), '\\x1F', s.city))";
  const d = DIMENSIONS[dim];
  if (d.kind === "page") return "coalesce(e.path, '')";
  if (d.kind === "event") return "e.name";
  return `coalesce(s.${d.column}, '')`;
}

/** Which events an event dimension counts: page views by path, everything else by name. */
export function eventDimCondition(kind: "page" | "event"): string {
  return kind === "page" ? "(e.type = 'page_view' AND e.name = 'page_view')" : "NOT (e.type = 'page_view' AND e.name = 'page_view')";
}

/**
 * Conversions with revenue of the scope's visits, as SQLite's revenueFrom: joined to
 * their visit (alias s) for its dimensions. Conversions up to a day after the range.
 */
export function revenueFrom(sql: Sql, scope: Scope): string {
  return `FROM events AS e INNER JOIN ${visitRows(sql, scope)} AS s ON s.id = e.session_id
    WHERE e.funnel_id = ${sql.str(scope.funnelId)} AND e.type = 'conversion' AND e.ts >= ${sql.ms(scope.from)} AND e.ts < ${sql.ms(scope.to + DAY_MS)}
      AND e.revenue_minor IS NOT NULL AND e.currency IS NOT NULL`;
}
