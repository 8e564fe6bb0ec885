// The pages of a CSV export over ClickHouse (formatted by src/analytics/export.ts):
// visits of the scope newest first, with their events, or the contacts active in it,
// each page one keyset query after the last row of the previous page.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { contactRows, eventRows, type ExportCursor, type ExportKind, type ExportPage, sessionRows } from "../../../analytics/export";
import type { Scope } from "../../../analytics/filters";
import { localTimeFormatter } from "../../../analytics/local-time";
import { DAY_MS } from "../../../analytics/timezone";
import type { SessionRow } from "../../dashboard-views";
import { toEventView } from "../../sqlite/dashboard/event-list";
import { browseContacts } from "./contacts";
import { contactJoin, EVENT_COLUMNS, toRaw } from "./event-rows";
import { rows, Sql } from "./query";
import { browseSessions } from "./sessions";

const SESSIONS_PER_PAGE = 250;
const CONTACTS_PER_PAGE = 500;

export async function exportPage(ch: ClickHouseClient, sqlite: Database, kind: ExportKind, scope: Scope, tz: string, before: ExportCursor | null): Promise<ExportPage> {
  const local = localTimeFormatter(scope.from - DAY_MS, scope.to + DAY_MS, tz);
  if (kind === "contacts") {
    const page = await browseContacts(ch, sqlite, scope, CONTACTS_PER_PAGE, before && { lastSeen: before.at, id: Number(before.id) });
    const last = page.contacts.at(-1);
    return { csv: contactRows(page.contacts, local), next: page.next && last ? { at: last.lastSeen, id: last.id } : null };
  }
  const page = await browseSessions(ch, sqlite, scope, SESSIONS_PER_PAGE, before && { startedAt: before.at, id: String(before.id) });
  const last = page.sessions.at(-1);
  const next = page.next && last ? { at: last.startedAt, id: last.id } : null;
  return { csv: kind === "events" ? await eventsOf(ch, scope, page.sessions, local) : sessionRows(page.sessions, local), next };
}

/** Events of a page of visits, visit by visit (newest visit first), each visit's events in order. */
async function eventsOf(ch: ClickHouseClient, scope: Scope, sessions: SessionRow[], local: (ms: number) => string): Promise<string> {
  if (!sessions.length) return "";
  const ids = sessions.map((s) => s.id);
  const email = new Map(sessions.map((s) => [s.id, s.contactEmail]));
  const sql = new Sql();
  const got = (
    await rows<Record<string, unknown>>(
      ch, sql,
      `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(sql, scope.funnelId)}
       WHERE e.funnel_id = ${sql.str(scope.funnelId)} AND e.session_id IN ${sql.bind(ids, "Array(String)")}`,
    )
  ).map(toRaw);
  const order = new Map(ids.map((id, i) => [id, i]));
  // ClickHouse gives ids as text (the SQLite row type also allows the stored bytes).
  got.sort((a, b) => order.get(a.session_id as string)! - order.get(b.session_id as string)! || a.ts - b.ts || a.row_id - b.row_id);
  return eventRows(got.map(toEventView), email, local);
}
