// The contacts page: people active in a scope, and one person's whole journey,
// including what they did before they said who they were.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { eventViewJoinedColumns, eventViewJoins, type EventRowRaw, toEventView } from "./event-list";
import type { ContactDetail, ContactRow, Journey } from "../../dashboard-views";
import type { Scope } from "../../../analytics/filters";
import { keyed, type KeyedScope, type Param, sessionWhere } from "./scope-sql";
import { type SessionRaw, sessionViewColumns, sessionViewJoins, toSessionView } from "./session-list";
import { decodePublicId, decodePublicIdSql, NO_VISIT } from "../layout";

interface Raw {
  id: number; email: string | null; name: string | null; user_id: string | null; traits: string; first_seen: number; last_seen: number;
  first_channel: string | null; first_source: string | null; conversions: number; revenue: string; sessions: number;
}

// A contact's visits are those of every visitor linked to them (contact_visitors),
// found through the (funnel, visitor, started_at) session index. Bind the funnel key first.
const COLUMNS = `SELECT c.id, c.email, c.name, c.user_id, c.traits, c.first_seen, c.last_seen, c.first_channel, c.first_source,
  c.conversions, c.revenue,
  (SELECT count(*) FROM sessions x WHERE x.funnel = ? AND x.visitor IN (SELECT v.visitor FROM contact_visitors v WHERE v.contact_id = c.id)) AS sessions`;
const SELECT = `${COLUMNS} FROM contacts c`;

/** The visitor keys linked to a contact. */
const VISITORS_OF = "SELECT visitor FROM contact_visitors WHERE contact_id = ?";

function toRow(r: Raw): ContactRow {
  let traits: Record<string, unknown> = {};
  try {
    traits = JSON.parse(r.traits) as Record<string, unknown>;
  } catch {
    // traits are written as JSON by the pipeline; a damaged row shows none
  }
  return {
    id: r.id, email: r.email, name: r.name, userId: r.user_id, traits, firstSeen: r.first_seen, lastSeen: r.last_seen,
    firstChannel: r.first_channel, firstSource: r.first_source, sessions: r.sessions, conversions: r.conversions,
    revenue: revenueMapToMajor(r.revenue),
  };
}

/** How many of the most recently seen contacts the quick walk looks at before the general query. */
const RECENT_CANDIDATES = 5000;

/** Contacts with a visit in the scope, most recently seen first. */
export function browseContacts(
  sqlite: Database, unkeyed: Scope, limit: number, before: { lastSeen: number; id: number } | null, candidates = RECENT_CANDIDATES,
): { contacts: ContactRow[]; next: string | null } {
  const scope = keyed(sqlite, unkeyed);
  const keyset = before ? " AND c.last_seen <= ? AND (c.last_seen < ? OR c.id < ?)" : "";
  const keysetParams = before ? [before.lastSeen, before.lastSeen, before.id] : [];
  const rows = recentContacts(sqlite, scope, limit, keyset, keysetParams, candidates) ?? contactsOfVisits(sqlite, scope, limit, keyset, keysetParams);
  const last = rows.at(-1);
  return { contacts: rows.map(toRow), next: rows.length === limit && last ? `${last.last_seen}.${last.id}` : null };
}

/**
 * The usual case, a range up to now: walks the contacts seen since the range began,
 * newest first, and keeps those with a visit in the scope, so a page reads about
 * `limit` contacts. A contact seen last before the range began has no visit in it.
 * Null when the newest `cap` did not fill the page and there are more (an old range,
 * a rare filter).
 */
function recentContacts(sqlite: Database, scope: KeyedScope, limit: number, keyset: string, keysetParams: Param[], cap: number): Raw[] | null {
  const where = sessionWhere(scope);
  const candidates = `SELECT c.id, c.last_seen FROM contacts c INDEXED BY contacts_funnel_last WHERE c.funnel_id = ? AND c.last_seen >= ?${keyset}
    ORDER BY c.last_seen DESC, c.id DESC LIMIT ${cap}`;
  const candidateParams = [scope.funnelId, scope.from, ...keysetParams];
  const rows = sqlite
    .query<Raw, Param[]>(
      `${COLUMNS} FROM (${candidates}) n CROSS JOIN contacts c ON c.id = n.id
       WHERE EXISTS (SELECT 1 FROM sessions s INDEXED BY sessions_funnel_contact WHERE s.contact_id = c.id AND ${where.sql})
       ORDER BY n.last_seen DESC, n.id DESC LIMIT ?`,
    )
    .all(scope.key, ...candidateParams, ...where.params, limit);
  if (rows.length === limit) return rows;
  const walked = sqlite.query<{ n: number }, Param[]>(`SELECT count(*) AS n FROM (${candidates})`).get(...candidateParams)!.n;
  return walked < cap ? rows : null;
}

/** Any range and filter: the contacts of the scope's visits, sorted. Reads every visit in the scope. */
function contactsOfVisits(sqlite: Database, scope: KeyedScope, limit: number, keyset: string, keysetParams: Param[]): Raw[] {
  const where = sessionWhere(scope);
  return sqlite
    .query<Raw, Param[]>(
      `${SELECT} WHERE c.funnel_id = ? AND c.id IN (SELECT s.contact_id FROM sessions s WHERE ${where.sql} AND s.contact_id IS NOT NULL)${keyset}
       ORDER BY c.last_seen DESC, c.id DESC LIMIT ?`,
    )
    .all(scope.key, scope.funnelId, ...where.params, ...keysetParams, limit);
}

export function getContact(sqlite: Database, funnelId: string, funnel: number | null, contactId: number): ContactDetail | null {
  const r = sqlite.query<Raw, [number | null, string, number]>(`${SELECT} WHERE c.funnel_id = ? AND c.id = ?`).get(funnel, funnelId, contactId);
  if (!r) return null;
  const links = sqlite
    .query<{ public_id: string | Uint8Array; linked_at: number }, [number, number | null]>(
      `SELECT v.public_id AS public_id, cv.linked_at AS linked_at FROM contact_visitors cv CROSS JOIN visitors v ON v.key = cv.visitor
       WHERE cv.contact_id = ? AND v.funnel = ? ORDER BY cv.linked_at`,
    )
    .all(contactId, funnel);
  return { ...toRow(r), visitorIds: links.map((l) => decodePublicId(l.public_id)), identifiedAt: links[0]?.linked_at ?? null };
}

export function contactJourney(sqlite: Database, funnel: number | null, contactId: number, limit = 2000): Journey {
  const sessions = sqlite
    .query<SessionRaw, [number | null, number]>(
      `SELECT ${sessionViewColumns("s")} FROM sessions s INDEXED BY sessions_funnel_visitor ${sessionViewJoins("s")} WHERE s.funnel = ? AND s.visitor IN (${VISITORS_OF})
       ORDER BY s.started_at, ${decodePublicIdSql("s.public_id")}`,
    )
    .all(funnel, contactId)
    .map(toSessionView);
  // A visitor's events are those of their visits (events has no visitor index), and
  // the payments of theirs that found no visit (session NO_VISIT, a handful per funnel).
  const events = sqlite
    .query<EventRowRaw, [number | null, number, number | null, number, number]>(
      `SELECT ${eventViewJoinedColumns("e")} FROM (
         SELECT e.row_id FROM sessions s INDEXED BY sessions_funnel_visitor
           CROSS JOIN events e INDEXED BY events_funnel_session ON e.funnel = s.funnel AND e.session = s.key
         WHERE s.funnel = ? AND s.visitor IN (${VISITORS_OF})
         UNION ALL
         SELECT e.row_id FROM events e INDEXED BY events_funnel_session WHERE e.funnel = ? AND e.session = ${NO_VISIT} AND e.visitor IN (${VISITORS_OF})
       ) w CROSS JOIN events e ON e.row_id = w.row_id ${eventViewJoins("e")} ORDER BY e.ts, e.row_id LIMIT ?`,
    )
    .all(funnel, contactId, funnel, contactId, limit + 1)
    .map(toEventView);
  return { sessions, events: events.slice(0, limit), truncated: events.length > limit };
}
