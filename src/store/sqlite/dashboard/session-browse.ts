// The sessions page: visits of a scope, newest first, and one visit with its events.
import type { Database } from "bun:sqlite";
import { eventViewJoinedColumns, eventViewJoins, type EventRowRaw, toEventView } from "./event-list";
import type { EventView, SessionPage, SessionRow } from "../../dashboard-views";
import type { Scope } from "../../../analytics/filters";
import { keyed, type Param, sessionWhere } from "./scope-sql";
import { type SessionRaw, sessionViewColumns, sessionViewJoins, toSessionView } from "./session-list";
import { decodePublicIdSql, encodePublicId } from "../layout";

type Raw = SessionRaw & { email: string | null; cname: string | null };
/** A row of the page with the visit's key, for reads that follow (its events). */
export type KeyedSessionRow = SessionRow & { key: number };

function toRow(r: Raw): KeyedSessionRow {
  return { ...toSessionView(r), contactEmail: r.email, contactName: r.cname, key: r.key };
}

const SELECT = `SELECT ${sessionViewColumns("s")}, c.email AS email, c.name AS cname FROM sessions s ${sessionViewJoins("s")} LEFT JOIN contacts c ON c.id = s.contact_id`;

/** The page's visits with their keys (the keys never leave the store). */
export function browseSessionRows(sqlite: Database, scope: Scope, limit: number, before: { startedAt: number; id: string } | null): { rows: KeyedSessionRow[]; next: string | null } {
  // The walk down (funnel, started_at) starts at the cursor's start time.
  const where = sessionWhere(keyed(sqlite, scope), before ? before.startedAt + 1 : undefined);
  const keyset = before ? ` AND (s.started_at < ? OR ${decodePublicIdSql("s.public_id")} < ?)` : "";
  const order = `started_at DESC, ${decodePublicIdSql("s.public_id")} DESC`;
  // The page's visits are picked first; their columns (dictionary lookups) are read for those only.
  const raw = sqlite
    .query<Raw, Param[]>(
      `${SELECT} WHERE s.key IN (SELECT s.key FROM sessions s WHERE ${where.sql}${keyset} ORDER BY s.${order} LIMIT ?) ORDER BY s.${order}`,
    )
    .all(...where.params, ...(before ? [before.startedAt, before.id] : []), limit);
  const rows = raw.map(toRow);
  const last = rows.at(-1);
  return { rows, next: rows.length === limit && last ? `${last.startedAt}.${last.id}` : null };
}

export function browseSessions(sqlite: Database, scope: Scope, limit: number, before: { startedAt: number; id: string } | null): SessionPage {
  const page = browseSessionRows(sqlite, scope, limit, before);
  return { sessions: page.rows.map(({ key: _, ...row }) => row), next: page.next };
}

/** One visit by its public id, with its key. */
export function getSession(sqlite: Database, funnel: number | null, sessionId: string): KeyedSessionRow | null {
  const r = sqlite.query<Raw, [number | null, string | Uint8Array]>(`${SELECT} WHERE s.funnel = ? AND s.public_id = ?`).get(funnel, encodePublicId(sessionId));
  return r ? toRow(r) : null;
}

export function sessionEvents(sqlite: Database, funnel: number | null, session: number, limit = 2000): EventView[] {
  return sqlite
    .query<EventRowRaw, [number | null, number, number]>(
      `SELECT ${eventViewJoinedColumns("e")} FROM events e INDEXED BY events_funnel_session ${eventViewJoins("e")}
       WHERE e.funnel = ? AND e.session = ? ORDER BY e.ts, e.row_id LIMIT ?`,
    )
    .all(funnel, session, limit)
    .map(toEventView);
}
