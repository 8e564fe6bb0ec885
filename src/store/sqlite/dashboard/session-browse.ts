// The sessions page: visits of a scope, newest first, and one visit with its events.
import type { Database } from "bun:sqlite";
import { EVENT_VIEW_COLUMNS, type EventRowRaw, toEventView } from "./event-list";
import type { EventView, SessionPage, SessionRow, SessionView } from "../../dashboard-views";
import type { Scope } from "../../../analytics/filters";
import { sessionWhere } from "./scope-sql";
import { toSessionView } from "./session-list";

type Raw = Parameters<typeof toSessionView>[0] & { email: string | null; cname: string | null };

function toRow(r: Raw): SessionRow {
  return { ...toSessionView(r), contactEmail: r.email, contactName: r.cname };
}

export function browseSessions(sqlite: Database, scope: Scope, limit: number, before: { startedAt: number; id: string } | null): SessionPage {
  const where = sessionWhere(scope);
  // "started_at <= ?" first, so the (funnel_id, started_at) index bounds the scan.
  const keyset = before ? " AND s.started_at <= ? AND (s.started_at < ? OR s.id < ?)" : "";
  const rows = sqlite
    .query<Raw, (string | number)[]>(
      `SELECT s.*, c.email AS email, c.name AS cname FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
       WHERE ${where.sql}${keyset} ORDER BY s.started_at DESC, s.id DESC LIMIT ?`,
    )
    .all(...where.params, ...(before ? [before.startedAt, before.startedAt, before.id] : []), limit);
  const last = rows.at(-1);
  return { sessions: rows.map(toRow), next: rows.length === limit && last ? `${last.started_at}.${last.id}` : null };
}

export function getSession(sqlite: Database, funnelId: string, sessionId: string): SessionRow | null {
  const r = sqlite
    .query<Raw, [string, string]>(
      `SELECT s.*, c.email AS email, c.name AS cname FROM sessions s LEFT JOIN contacts c ON c.id = s.contact_id
       WHERE s.funnel_id = ? AND s.id = ?`,
    )
    .get(funnelId, sessionId);
  return r ? toRow(r) : null;
}

export function sessionEvents(sqlite: Database, funnelId: string, sessionId: string, limit = 2000): EventView[] {
  return sqlite
    .query<EventRowRaw, [string, string, number]>(
      `SELECT ${EVENT_VIEW_COLUMNS} FROM events WHERE funnel_id = ? AND session_id = ? ORDER BY ts, row_id LIMIT ?`,
    )
    .all(funnelId, sessionId, limit)
    .map(toEventView);
}
