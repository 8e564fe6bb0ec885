// A scope (funnel, range, filters) as SQL over sessions (alias s). Filters describe
// visits: a visit matches when its own attributes match (source, device, entry page, …)
// and, for page and event filters, when it viewed that page or did that event.
import { DIMENSIONS } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { DAY_MS } from "../../../analytics/timezone";
import { EVENT_TYPES } from "../../../ingest/payload";

/** Every type, so the index on (funnel_id, type, name, …) can be used for "name = ?". */
export const EVENT_TYPE_LIST = EVENT_TYPES.map((t) => `'${t}'`).join(", ");

export interface SqlPart {
  sql: string;
  params: (string | number)[];
}

/**
 * `s.funnel_id = ? AND s.started_at >= ? AND s.started_at < ? AND …` for sessions
 * (alias s) that started in the scope's range and match its filters.
 */
export function sessionWhere(scope: Scope): SqlPart {
  const parts = ["s.funnel_id = ?", "s.started_at >= ?", "s.started_at < ?"];
  const params: (string | number)[] = [scope.funnelId, scope.from, scope.to];
  for (const f of scope.filters) {
    const dim = DIMENSIONS[f.key];
    if (dim.kind === "session") {
      parts.push(f.value === "" ? `s.${dim.column} IS NULL` : `s.${dim.column} = ?`);
      if (f.value !== "") params.push(f.value);
    } else {
      // Sessions that viewed the page / did the event, read from the covering
      // (funnel_id, type, name, path, ts, session_id) index; their events start at or
      // after the session does, and visits last far less than a day.
      const match = dim.kind === "page" ? `type = 'page_view' AND name = 'page_view' AND path = ?` : `type IN (${EVENT_TYPE_LIST}) AND name = ?`;
      parts.push(`s.id IN (SELECT session_id FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ? AND ${match} AND ts >= ? AND ts < ?)`);
      params.push(scope.funnelId, f.value, scope.from, scope.to + DAY_MS);
    }
  }
  return { sql: parts.join(" AND "), params };
}
