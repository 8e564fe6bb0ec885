// The live timeline: the latest events of a funnel, then whatever arrives after a cursor.
// The cursor is a row id (rows are numbered as they are written), so late events with
// old timestamps still show up as "new".
import type { Database } from "bun:sqlite";
import { EVENT_VIEW_COLUMNS, type EventRowRaw, toEventView } from "./event-list";
import type { LiveResult } from "../../dashboard-views";
import type { Filter } from "../../../analytics/filters";
import { sessionWhere } from "./scope-sql";
import { AUTO_EVENT_NAMES } from "../../../analytics/event-kinds";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";

export interface LiveOptions {
  limit?: number;
  /** Leave out what the SDK captures by itself (scroll depth, section views, …). */
  hideAuto?: boolean;
}

/** Filtered timelines look at visits of the last week. */
const LIVE_WINDOW_MS = 7 * DAY_MS;
const COLUMNS = EVENT_VIEW_COLUMNS.split(",").map((c) => `e.${c.trim()}`).join(", ");

export function liveEvents(sqlite: Database, funnelId: string, filters: Filter[], after: number | null, now: number, opts: LiveOptions = {}): LiveResult {
  const limit = opts.limit ?? 30;
  const parts = ["e.funnel_id = ?"];
  const params: (string | number)[] = [funnelId];
  if (opts.hideAuto) {
    parts.push(`NOT (e.type = 'track' AND e.name IN (${AUTO_EVENT_NAMES.map(() => "?").join(", ")}))`);
    params.push(...AUTO_EVENT_NAMES);
  }
  if (filters.length) {
    const where = sessionWhere({ funnelId, from: now - LIVE_WINDOW_MS, to: now + HOUR_MS, filters });
    parts.push(`e.session_id IN (SELECT s.id FROM sessions s WHERE ${where.sql})`);
    params.push(...where.params);
  }
  type Row = EventRowRaw & { email: string | null; cname: string | null };
  const select = `SELECT ${COLUMNS}, c.email AS email, c.name AS cname FROM events e LEFT JOIN contacts c ON c.id = e.contact_id`;
  let rows: Row[];
  if (after === null) {
    rows = sqlite
      .query<Row, (string | number)[]>(`${select} WHERE ${parts.join(" AND ")} ORDER BY e.ts DESC, e.row_id DESC LIMIT ?`)
      .all(...params, limit);
  } else {
    rows = sqlite
      // "+e.funnel_id": walk the new row ids, not the funnel's whole (funnel_id, ts) index.
      .query<Row, (string | number)[]>(`${select} WHERE e.row_id > ? AND +${parts.join(" AND ")} ORDER BY e.row_id DESC LIMIT ?`)
      .all(after, ...params, limit);
  }
  const latest = sqlite.query<{ id: number | null }, []>("SELECT max(row_id) AS id FROM events").get()!.id ?? 0;
  return {
    events: rows.map((r) => ({ ...toEventView(r), rowId: r.row_id, contactEmail: r.email, contactName: r.cname })),
    cursor: Math.max(latest, after ?? 0),
  };
}
