// The contacts page over ClickHouse: people with a visit in a scope, and one person's
// whole journey. The people stay in SQLite (contacts); which anonymous ids they used,
// their visits and events are in ClickHouse.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { Scope } from "../../../analytics/filters";
import { revenueMapToMajor } from "../../../pipeline/money";
import type { ContactDetail, ContactList, ContactPage, ContactRow, Journey } from "../../dashboard-views";
import { toEventView } from "../../sqlite/dashboard/event-list";
import { toSessionView } from "../../sqlite/dashboard/session-list";
import { contactJoin, EVENT_COLUMNS, linksOf, toRaw, visitorsOf } from "./event-rows";
import { num, rows, Sql } from "./query";
import { toVisitRaw, withContact } from "./sessions";
import { visitRows, visitsWhere } from "./visits-sql";

interface Raw {
  id: number; email: string | null; name: string | null; user_id: string | null; traits: string; first_seen: number; last_seen: number;
  first_channel: string | null; first_source: string | null; conversions: number; revenue: string;
}

const COLUMNS = "id, email, name, user_id, traits, first_seen, last_seen, first_channel, first_source, conversions, revenue";

function toRow(r: Raw, sessions: number): ContactRow {
  let traits: Record<string, unknown> = {};
  try {
    traits = JSON.parse(r.traits) as Record<string, unknown>;
  } catch {
    // traits are written as JSON by the pipeline; a damaged row shows none
  }
  return {
    id: r.id, email: r.email, name: r.name, userId: r.user_id, traits, firstSeen: r.first_seen, lastSeen: r.last_seen,
    firstChannel: r.first_channel, firstSource: r.first_source, sessions, conversions: r.conversions, revenue: revenueMapToMajor(r.revenue),
  };
}

/** Per contact: their visits (of every anonymous id linked to them) and those ids. */
async function visitsPerContact(ch: ClickHouseClient, funnelId: string, ids: number[]): Promise<Map<number, { sessions: number; visitors: string[] }>> {
  const out = new Map<number, { sessions: number; visitors: string[] }>();
  if (!ids.length) return out;
  const sql = new Sql();
  const got = await rows<{ contact: unknown; sessions: unknown; visitors: string[] }>(
    ch, sql,
    `SELECT l.contact AS contact, uniqExactIf(v.session_id, v.session_id != '') AS sessions, groupUniqArray(l.anonymous_id) AS visitors
     FROM (${linksOf(sql, funnelId)}) AS l
     LEFT JOIN (SELECT DISTINCT anonymous_id, session_id FROM visits WHERE funnel_id = ${sql.str(funnelId)}) AS v ON v.anonymous_id = l.anonymous_id
     WHERE l.contact IN ${sql.bind(ids, "Array(UInt64)")}
     GROUP BY l.contact`,
  );
  for (const r of got) out.set(num(r.contact), { sessions: num(r.sessions), visitors: r.visitors });
  return out;
}

async function contactRows(ch: ClickHouseClient, funnelId: string, raws: Raw[]): Promise<ContactRow[]> {
  const visits = await visitsPerContact(ch, funnelId, raws.map((r) => r.id));
  return raws.map((r) => toRow(r, visits.get(r.id)?.sessions ?? 0));
}

/** Contacts with a visit in the scope, most recently seen first. */
export async function browseContacts(ch: ClickHouseClient, sqlite: Database, scope: Scope, limit: number, before: { lastSeen: number; id: number } | null): Promise<ContactPage> {
  const sql = new Sql();
  const active = await rows<{ contact: unknown }>(
    ch, sql,
    `SELECT DISTINCT contact FROM (${withContact(sql, scope.funnelId, visitRows(sql, scope))}) WHERE contact IS NOT NULL`,
  );
  const ids = active.map((r) => num(r.contact));
  if (!ids.length) return { contacts: [], next: null };
  const keyset = before ? " AND last_seen <= ? AND (last_seen < ? OR id < ?)" : "";
  const raws = sqlite
    .query<Raw, (string | number)[]>(
      `SELECT ${COLUMNS} FROM contacts WHERE funnel_id = ? AND id IN (SELECT value FROM json_each(?))${keyset} ORDER BY last_seen DESC, id DESC LIMIT ?`,
    )
    .all(scope.funnelId, JSON.stringify(ids), ...(before ? [before.lastSeen, before.lastSeen, before.id] : []), limit);
  const contacts = await contactRows(ch, scope.funnelId, raws);
  const last = contacts.at(-1);
  return { contacts, next: contacts.length === limit && last ? `${last.lastSeen}.${last.id}` : null };
}

export async function getContact(ch: ClickHouseClient, sqlite: Database, funnelId: string, contactId: number): Promise<ContactDetail | null> {
  const r = sqlite.query<Raw, [string, number]>(`SELECT ${COLUMNS} FROM contacts WHERE funnel_id = ? AND id = ?`).get(funnelId, contactId);
  if (!r) return null;
  const sql = new Sql();
  const links = await rows<{ anonymous_id: string; at: unknown }>(
    ch, sql,
    `SELECT anonymous_id, toUnixTimestamp64Milli(min(linked_at)) AS at FROM visitor_contacts
     WHERE funnel_id = ${sql.str(funnelId)} AND anonymous_id IN (${visitorsOf(sql, funnelId, contactId)})
       AND contact_id = ${sql.bind(contactId, "UInt64")}
     GROUP BY anonymous_id ORDER BY at, anonymous_id`,
  );
  const [row] = await contactRows(ch, funnelId, [r]);
  return { ...row, visitorIds: links.map((l) => l.anonymous_id), identifiedAt: links.length ? num(links[0].at) : null };
}

export async function contactJourney(ch: ClickHouseClient, funnelId: string, contactId: number, limit = 2000): Promise<Journey> {
  const a = new Sql();
  const b = new Sql();
  const [visits, events] = await Promise.all([
    rows<Record<string, unknown>>(
      ch, a,
      `${withContact(a, funnelId, visitsWhere(a, funnelId, `anonymous_id IN (${visitorsOf(a, funnelId, contactId)})`))} ORDER BY s.started_at, s.id`,
    ),
    rows<Record<string, unknown>>(
      ch, b,
      `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(b, funnelId)}
       WHERE e.funnel_id = ${b.str(funnelId)} AND e.anonymous_id IN (${visitorsOf(b, funnelId, contactId)})
       ORDER BY e.ts, e.row_id LIMIT ${b.bind(limit + 1, "UInt32")}`,
    ),
  ]);
  const all = events.map((r) => toEventView(toRaw(r)));
  return { sessions: visits.map((r) => toSessionView(toVisitRaw(r))), events: all.slice(0, limit), truncated: all.length > limit };
}

/** The read API's contacts, most recently seen first. */
export async function listContacts(ch: ClickHouseClient, sqlite: Database, funnelId: string, limit: number, before: Cursor | null): Promise<ContactList> {
  const raws = before
    ? sqlite
        .query<Raw, [string, number, number, number]>(
          `SELECT ${COLUMNS} FROM contacts WHERE funnel_id = ? AND (last_seen < ? OR (last_seen = ? AND id < ?)) ORDER BY last_seen DESC, id DESC LIMIT ${limit}`,
        )
        .all(funnelId, before.ts, before.ts, typeof before.tie === "number" ? before.tie : 0)
    : sqlite.query<Raw, [string]>(`SELECT ${COLUMNS} FROM contacts WHERE funnel_id = ? ORDER BY last_seen DESC, id DESC LIMIT ${limit}`).all(funnelId);
  const visits = await visitsPerContact(ch, funnelId, raws.map((r) => r.id));
  const contacts = raws.map((r) => ({ ...toRow(r, visits.get(r.id)?.sessions ?? 0), anonymousIds: [...(visits.get(r.id)?.visitors ?? [])].sort() }));
  const last = raws.at(-1);
  return { contacts, next: raws.length === limit && last ? formatCursor(last.last_seen, last.id) : null };
}
