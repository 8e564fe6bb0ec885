// The aggregate SQL shared by the rollup builder and the live (filtered) queries, so a
// number means the same thing whichever path computes it. Our own constant text only.
import { DIMENSIONS, SESSION_DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";

export type RollupDim = "all" | DimensionKey;
export const ROLLUP_DIMS: RollupDim[] = ["all", ...SESSION_DIMENSIONS, "page", "event"];

/** Per visit (sessions s): the metrics of the visits grouped together. */
export const SESSION_METRICS = `count(*) AS visits, coalesce(sum(s.converted), 0) AS converted,
  coalesce(sum(s.conversions), 0) AS conversions, coalesce(sum(s.pageviews), 0) AS pageviews,
  coalesce(sum(s.events), 0) AS events, coalesce(sum(s.bounce), 0) AS bounces,
  coalesce(sum(s.duration_ms), 0) AS duration_ms, 0 AS hits`;

/** Per event (events e of sessions s): visits that had it, and how many times it happened. */
export const EVENT_METRICS = `count(DISTINCT s.id) AS visits, count(DISTINCT CASE WHEN s.converted THEN s.id END) AS converted,
  0 AS conversions, 0 AS pageviews, 0 AS events, 0 AS bounces, 0 AS duration_ms, count(*) AS hits`;

export const SESSION_EVENTS_JOIN = "sessions s CROSS JOIN events e ON e.funnel_id = s.funnel_id AND e.session_id = s.id";

/**
 * Which events an event dimension counts: page views by path, everything else by name.
 * The unary "+" keeps SQLite on a visit's own events (funnel_id, session_id, …): without
 * statistics it would rather seek (funnel_id, type, name) and read every page view of
 * the funnel once per visit (seconds for a day of traffic).
 */
export function eventDimCondition(dim: "page" | "event"): string {
  return dim === "page" ? "(+e.type = 'page_view' AND +e.name = 'page_view')" : "NOT (e.type = 'page_view' AND e.name = 'page_view')";
}

export function valueSql(dim: RollupDim): string {
  return dim === "all" ? "''" : DIMENSIONS[dim].valueSql;
}

/**
 * Conversions with revenue of the visits matching `sessionWhere` (a condition on s):
 * driven from the conversions, found in the (funnel_id, type, …) index, so only their
 * visits are looked up. Bind [funnelId, from, to + a day, ...whereParams].
 */
export function revenueFrom(sessionCondition: string): string {
  // INDEXED BY: left alone, SQLite prefers the (funnel_id, ts) range and reads every event row.
  return `FROM events e INDEXED BY events_funnel_type_name CROSS JOIN sessions s ON s.funnel_id = e.funnel_id AND s.id = e.session_id
    WHERE e.funnel_id = ? AND e.type = 'conversion' AND e.ts >= ? AND e.ts < ?
      AND e.revenue_minor IS NOT NULL AND e.currency IS NOT NULL AND ${sessionCondition}`;
}
