// The pages of a CSV export (formatted by src/analytics/export.ts): visits of the
// scope newest first, with their events, or the contacts active in it, each page one
// short keyset query after the last row of the previous page.
import type { Database } from "bun:sqlite";
import { contactRows, eventRows, type ExportCursor, type ExportKind, type ExportPage, sessionRows } from "../../../analytics/export";
import type { Scope } from "../../../analytics/filters";
import { localTimeFormatter } from "../../../analytics/local-time";
import { DAY_MS } from "../../../analytics/timezone";
import { browseContacts } from "./contact-browse";
import { eventViewJoinedColumns, eventViewJoins, type EventRowRaw, toEventView } from "./event-list";
import { browseSessionRows, type KeyedSessionRow } from "./session-browse";
import { keyed } from "./scope-sql";

const SESSIONS_PER_PAGE = 250;
const CONTACTS_PER_PAGE = 500;

/** One page of rows after `before` (null: the first page); each page is one short keyset query. */
export function exportPage(sqlite: Database, kind: ExportKind, unkeyed: Scope, tz: string, before: ExportCursor | null): ExportPage {
  const scope = keyed(sqlite, unkeyed);
  const local = localTimeFormatter(scope.from - DAY_MS, scope.to + DAY_MS, tz);
  if (kind === "contacts") {
    const page = browseContacts(sqlite, scope, CONTACTS_PER_PAGE, before && { lastSeen: before.at, id: Number(before.id) });
    const last = page.contacts.at(-1);
    return { csv: contactRows(page.contacts, local), next: page.next && last ? { at: last.lastSeen, id: last.id } : null };
  }
  const page = browseSessionRows(sqlite, scope, SESSIONS_PER_PAGE, before && { startedAt: before.at, id: String(before.id) });
  const last = page.rows.at(-1);
  const next = page.next && last ? { at: last.startedAt, id: last.id } : null;
  const sessions = page.rows.map(({ key: _, ...row }) => row);
  return { csv: kind === "events" ? eventsOf(sqlite, scope.key, page.rows, local) : sessionRows(sessions, local), next };
}

/** Events of a page of visits, visit by visit (newest visit first), each visit's events in order. */
function eventsOf(sqlite: Database, funnel: number | null, sessions: KeyedSessionRow[], local: (ms: number) => string): string {
  if (!sessions.length) return "";
  const keys = sessions.map((s) => s.key);
  const email = new Map(sessions.map((s) => [s.id, s.contactEmail]));
  const rows = sqlite
    .query<EventRowRaw, (number | null)[]>(
      // One index lookup per visit; ordered below (an ORDER BY ts would pull in the (funnel, ts) index).
      `SELECT ${eventViewJoinedColumns("e")} FROM events e INDEXED BY events_funnel_session ${eventViewJoins("e")}
       WHERE e.funnel = ? AND e.session IN (${keys.map(() => "?").join(", ")})`,
    )
    .all(funnel, ...keys);
  const order = new Map(keys.map((k, i) => [k, i]));
  rows.sort((a, b) => order.get(a.session_key)! - order.get(b.session_key)! || a.ts - b.ts || a.row_id - b.row_id);
  return eventRows(rows.map(toEventView), email, local);
}
