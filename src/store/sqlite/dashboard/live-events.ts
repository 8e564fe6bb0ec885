// The live timeline: the latest events of a funnel, then whatever arrives after a cursor.
// The cursor is a row id (rows are numbered as they are written), so late events with
// old timestamps still show up as "new".
import type { Database } from "bun:sqlite";
import { eventViewJoinedColumns, eventViewJoins, type EventRowRaw, toEventView } from "./event-list";
import type { LiveResult } from "../../dashboard-views";
import type { Filter } from "../../../analytics/filters";
import { type Param, sessionWhere } from "./scope-sql";
import { funnelKey } from "../layout";
import { AUTO_EVENT_NAMES } from "../../../analytics/event-kinds";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";

export interface LiveOptions {
  limit?: number;
  /** Leave out what the SDK captures by itself (scroll depth, section views, …). */
  hideAuto?: boolean;
}

/** Filtered timelines look at visits of the last week. */
const LIVE_WINDOW_MS = 7 * DAY_MS;

export function liveEvents(sqlite: Database, funnelId: string, filters: Filter[], after: number | null, now: number, opts: LiveOptions = {}): LiveResult {
  const limit = opts.limit ?? 30;
  const key = funnelKey(sqlite, funnelId);
  const parts = ["e.funnel = ?"];
  const params: Param[] = [key];
  if (opts.hideAuto) {
    // The kinds to leave out, as ids (a handful): compared on the row, not looked up per row.
    parts.push(`e.kind NOT IN (SELECT id FROM kinds WHERE type = 'track' AND name IN (${AUTO_EVENT_NAMES.map(() => "?").join(", ")}))`);
    params.push(...AUTO_EVENT_NAMES);
  }
  if (filters.length) {
    const where = sessionWhere({ funnelId, key, from: now - LIVE_WINDOW_MS, to: now + HOUR_MS, filters });
    parts.push(`e.session IN (SELECT s.key FROM sessions s WHERE ${where.sql})`);
    params.push(...where.params);
  }
  type Row = EventRowRaw & { email: string | null; cname: string | null };
  // The rows are picked from the indexes first; their columns (dictionary lookups) are
  // read for the `limit` rows shown only, and put back in order here.
  const shown = (picked: string) =>
    `SELECT ${eventViewJoinedColumns("e")}, c.email AS email, c.name AS cname FROM (${picked}) w CROSS JOIN events e ON e.row_id = w.row_id
     ${eventViewJoins("e")} LEFT JOIN contacts c ON c.id = e.contact_id`;
  let rows: Row[];
  if (after === null) {
    rows = sqlite
      .query<Row, Param[]>(shown(`SELECT e.row_id FROM events e WHERE ${parts.join(" AND ")} ORDER BY e.ts DESC, e.row_id DESC LIMIT ?`))
      .all(...params, limit)
      .sort((a, b) => b.ts - a.ts || b.row_id - a.row_id);
  } else {
    rows = sqlite
      // "+e.funnel": walk the new row ids, not the funnel's whole (funnel, ts) index.
      .query<Row, Param[]>(shown(`SELECT e.row_id FROM events e WHERE e.row_id > ? AND +${parts.join(" AND ")} ORDER BY e.row_id DESC LIMIT ?`))
      .all(after, ...params, limit)
      .sort((a, b) => b.row_id - a.row_id);
  }
  const latest = sqlite.query<{ id: number | null }, []>("SELECT max(row_id) AS id FROM events").get()!.id ?? 0;
  return {
    events: rows.map((r) => ({ ...toEventView(r), rowId: r.row_id, contactEmail: r.email, contactName: r.cname })),
    cursor: Math.max(latest, after ?? 0),
  };
}
