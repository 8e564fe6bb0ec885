// The SQL pieces the live (filtered, today, ragged-edge) reads share, in the compact
// layout: they group by dictionary ids and join the dictionary once per group, never
// per row. The metrics mean what the rollup builder's do (../rollups/sql.ts).
import type { Database } from "bun:sqlite";
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import { kindsOfType, PAGE_VIEW_KIND } from "./scope-sql";

/** Sums of per-group SESSION_METRICS / EVENT_METRICS rows (alias g), under the same names. */
export const SUMMED_METRICS = `sum(g.visits) AS visits, sum(g.converted) AS converted, sum(g.conversions) AS conversions,
  sum(g.pageviews) AS pageviews, sum(g.events) AS events, sum(g.bounces) AS bounces, sum(g.duration_ms) AS duration_ms,
  sum(g.hits) AS hits`;

/** Per event (events e of sessions s): visits that had it, and how many times it happened. */
export const EVENT_METRICS = `count(DISTINCT s.key) AS visits, count(DISTINCT CASE WHEN s.converted THEN s.key END) AS converted,
  0 AS conversions, 0 AS pageviews, 0 AS events, 0 AS bounces, 0 AS duration_ms, count(*) AS hits`;

export const SESSION_EVENTS_JOIN = "sessions s CROSS JOIN events e ON e.funnel = s.funnel AND e.session = s.key";

/**
 * Which events an event dimension counts: page views by path, everything else by name.
 * The unary "+" keeps SQLite on a visit's own events (funnel, session, …) rather than
 * every page view of the funnel once per visit.
 */
export function eventDimCondition(dim: "page" | "event"): string {
  return dim === "page" ? `+e.kind = ${PAGE_VIEW_KIND}` : `+e.kind <> ${PAGE_VIEW_KIND}`;
}

/**
 * What an event dimension groups by: the path id, or the kind, unless two kinds share a
 * name (a track and a conversion both called "signup"): then each kind maps to the
 * smallest id of its name, so a visit is counted once per name.
 */
export function eventGroupKey(sqlite: Database, dim: "page" | "event"): string {
  if (dim === "page") return "e.path";
  const kinds = sqlite.query<{ id: number; name: string }, []>("SELECT id, name FROM kinds ORDER BY id").all();
  const first = new Map<string, number>();
  const whens: string[] = [];
  for (const k of kinds) {
    const id = first.get(k.name);
    if (id === undefined) first.set(k.name, k.id);
    else whens.push(`WHEN ${k.id} THEN ${id}`);
  }
  return whens.length ? `CASE e.kind ${whens.join(" ")} ELSE e.kind END` : "e.kind";
}

/** The dictionary row (alias d) a group's id (column `ref` of g) stands for. */
export function dictionaryJoin(dim: DimensionKey): string {
  const d = DIMENSIONS[dim];
  const table = d.kind === "event" ? "kinds" : d.kind === "page" ? "strings" : d.dictionary!;
  return `LEFT JOIN ${table} d ON d.id = g.ref`;
}

/** The sessions column a session dimension groups by. */
export function sessionRef(dim: DimensionKey): string {
  return `s.${DIMENSIONS[dim].ref!}`;
}

/**
 * Conversions with revenue of the visits matching `sessionCondition` (a condition on s):
 * driven from the events with revenue in the range (a partial (funnel, ts) index), so only their
 * visits are looked up by key. Bind [funnel key, from, to + a day, ...whereParams].
 */
export function revenueFrom(sessionCondition: string): string {
  // INDEXED BY: left alone, SQLite prefers the (funnel, ts) range and reads every event row.
  return `FROM events e INDEXED BY events_funnel_revenue CROSS JOIN sessions s ON s.key = e.session
    WHERE e.funnel = ? AND e.kind IN ${kindsOfType("conversion")} AND e.ts >= ? AND e.ts < ?
      AND e.revenue_minor IS NOT NULL AND e.currency IS NOT NULL AND ${sessionCondition}`;
}
