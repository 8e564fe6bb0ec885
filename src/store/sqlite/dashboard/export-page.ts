// The pages of a CSV export (formatted by src/analytics/export.ts): visits of the
// scope newest first, with their events, or the contacts active in it, each page one
// short keyset query after the last row of the previous page.
import type { Database } from "bun:sqlite";
import { contactRows, eventRows, type ExportCursor, type ExportKind, type ExportPage, sessionRows } from "../../../analytics/export";
import type { Scope } from "../../../analytics/filters";
import { localTimeFormatter } from "../../../analytics/local-time";
import { DAY_MS } from "../../../analytics/timezone";
import type { SessionRow } from "../../dashboard-views";
import { browseContacts } from "./contact-browse";
import { EVENT_VIEW_COLUMNS, type EventRowRaw, toEventView } from "./event-list";
import { browseSessions } from "./session-browse";

const SESSIONS_PER_PAGE = 250;
const CONTACTS_PER_PAGE = 500;

/** One page of rows after `before` (null: the first page); each page is one short keyset query. */
export function exportPage(sqlite: Database, kind: ExportKind, scope: Scope, tz: string, before: ExportCursor | null): ExportPage {
  const local = localTimeFormatter(scope.from - DAY_MS, scope.to + DAY_MS, tz);
  if (kind === "contacts") {
    const page = browseContacts(sqlite, scope, CONTACTS_PER_PAGE, before && { lastSeen: before.at, id: Number(before.id) });
    const last = page.contacts.at(-1);
    return { csv: contactRows(page.contacts, local), next: page.next && last ? { at: last.lastSeen, id: last.id } : null };
  }
  const page = browseSessions(sqlite, scope, SESSIONS_PER_PAGE, before && { startedAt: before.at, id: String(before.id) });
  const last = page.sessions.at(-1);
  const next = page.next && last ? { at: last.startedAt, id: last.id } : null;
  return { csv: kind === "events" ? eventsOf(sqlite, scope, page.sessions, local) : sessionRows(page.sessions, local), next };
}

/** Events of a page of visits, visit by visit (newest visit first), each visit's events in order. */
function eventsOf(sqlite: Database, scope: Scope, sessions: SessionRow[], local: (ms: number) => string): string {
  if (!sessions.length) return "";
  const ids = sessions.map((s) => s.id);
  const email = new Map(sessions.map((s) => [s.id, s.contactEmail]));
  const rows = sqlite
    .query<EventRowRaw, string[]>(
      // One index lookup per visit; ordered below (an ORDER BY ts would pull in the (funnel_id, ts) index).
      `SELECT ${EVENT_VIEW_COLUMNS} FROM events INDEXED BY events_funnel_session WHERE funnel_id = ? AND session_id IN (${ids.map(() => "?").join(", ")})`,
    )
    .all(scope.funnelId, ...ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => order.get(a.session_id)! - order.get(b.session_id)! || a.ts - b.ts || a.row_id - b.row_id);
  return eventRows(rows.map(toEventView), email, local);
}
