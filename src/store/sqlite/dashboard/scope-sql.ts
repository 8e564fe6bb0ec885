// A scope (funnel, range, filters) as SQL over sessions (alias s) in the compact layout
// (docs/storage.md). Filters describe visits: a visit matches when its own attributes
// match (source, device, entry page, …) and, for page and event filters, when it viewed
// that page or did that event. Filter values become dictionary ids through a sub-select
// (one index seek, evaluated once); the big tables are compared on integers only.
import type { Database } from "bun:sqlite";
import { DIMENSIONS } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { DAY_MS } from "../../../analytics/timezone";
import { EVENT_TYPES } from "../../../ingest/payload";
import { funnelKey } from "../layout";

/** Every type, quoted for SQL (the kinds a "did event E" filter can match). */
export const EVENT_TYPE_LIST = EVENT_TYPES.map((t) => `'${t}'`).join(", ");

/** The kinds row of page views, as a constant sub-select. */
export const PAGE_VIEW_KIND = "(SELECT id FROM kinds WHERE type = 'page_view' AND name = 'page_view')";

/** The kinds of one event type, as a sub-select (our own constant text only). */
export const kindsOfType = (type: string): string => `(SELECT id FROM kinds WHERE type = '${type}')`;

export type Param = string | number | null;

export interface SqlPart {
  sql: string;
  params: Param[];
}

/**
 * A scope with its funnel's key, resolved once per read. A funnel that has no key
 * has no events: the key is null, and `funnel = NULL` matches nothing.
 */
export interface KeyedScope extends Scope {
  key: number | null;
}

/** The scope with its funnel's key (looked up unless the scope has it already). */
export function keyed(sqlite: Database, scope: Scope | KeyedScope): KeyedScope {
  return "key" in scope ? scope : { ...scope, key: funnelKey(sqlite, scope.funnelId) };
}

/**
 * `s.funnel = ? AND s.started_at >= ? AND s.started_at < ? AND …` for sessions
 * (alias s) that started in the scope's range and match its filters. `startedBefore`
 * narrows the visits' range only (a keyset page), as the one upper bound the
 * (funnel, started_at) index gets: given two, SQLite may bound the walk by the wrong one.
 */
export function sessionWhere(scope: KeyedScope, startedBefore = scope.to): SqlPart {
  const parts = ["s.funnel = ?", "s.started_at >= ?", "s.started_at < ?"];
  const params: Param[] = [scope.key, scope.from, Math.min(scope.to, startedBefore)];
  for (const f of scope.filters) {
    const dim = DIMENSIONS[f.key];
    if (dim.kind === "session") {
      const ref = `s.${dim.ref}`;
      if (dim.dictionary === "strings") {
        parts.push(f.value === "" ? `${ref} IS NULL` : `${ref} = (SELECT id FROM strings WHERE value = ?)`);
      } else {
        // A visit without the dictionary row, or with one whose column is NULL, has no value.
        const inDictionary = `${ref} IN (SELECT id FROM ${dim.dictionary} WHERE ${dim.dictionaryColumn} ${f.value === "" ? "IS NULL" : "= ?"})`;
        parts.push(f.value === "" ? `(${ref} IS NULL OR ${inDictionary})` : inDictionary);
      }
      if (f.value !== "") params.push(f.value);
    } else {
      // Sessions that viewed the page / did the event, read from the covering
      // (funnel, kind, path, ts, session) index; their events start at or after the
      // session does, and visits last far less than a day.
      const match =
        dim.kind === "page"
          ? `kind = ${PAGE_VIEW_KIND} AND path = (SELECT id FROM strings WHERE value = ?)`
          : `kind IN (SELECT id FROM kinds WHERE type IN (${EVENT_TYPE_LIST}) AND name = ?)`;
      parts.push(`s.key IN (SELECT session FROM events INDEXED BY events_funnel_kind WHERE funnel = ? AND ${match} AND ts >= ? AND ts < ?)`);
      params.push(scope.key, f.value, scope.from, scope.to + DAY_MS);
    }
  }
  return { sql: parts.join(" AND "), params };
}
