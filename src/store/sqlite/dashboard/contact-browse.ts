// The contacts page: people active in a scope, and one person's whole journey,
// including what they did before they said who they were.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { EVENT_VIEW_COLUMNS, type EventRowRaw, toEventView } from "./event-list";
import type { ContactDetail, ContactRow, EventView, Journey, SessionView } from "../../dashboard-views";
import type { Scope } from "../../../analytics/filters";
import { sessionWhere } from "./scope-sql";
import { toSessionView } from "./session-list";

interface Raw {
  id: number; email: string | null; name: string | null; user_id: string | null; traits: string; first_seen: number; last_seen: number;
  first_channel: string | null; first_source: string | null; conversions: number; revenue: string; sessions: number;
}

// A contact's visits are those of every visitor id linked to them (contact_visitors),
// found through the (funnel_id, anonymous_id, …) session index.
const SELECT = `SELECT c.id, c.email, c.name, c.user_id, c.traits, c.first_seen, c.last_seen, c.first_channel, c.first_source,
  c.conversions, c.revenue,
  (SELECT count(*) FROM sessions x WHERE x.funnel_id = c.funnel_id
    AND x.anonymous_id IN (SELECT v.anonymous_id FROM contact_visitors v WHERE v.contact_id = c.id)) AS sessions
  FROM contacts c`;

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

/** Contacts with a visit in the scope, most recently seen first. */
export function browseContacts(sqlite: Database, scope: Scope, limit: number, before: { lastSeen: number; id: number } | null): { contacts: ContactRow[]; next: string | null } {
  const where = sessionWhere(scope);
  const keyset = before ? " AND c.last_seen <= ? AND (c.last_seen < ? OR c.id < ?)" : "";
  const rows = sqlite
    .query<Raw, (string | number)[]>(
      `${SELECT} WHERE c.funnel_id = ? AND c.id IN (SELECT s.contact_id FROM sessions s WHERE ${where.sql} AND s.contact_id IS NOT NULL)${keyset}
       ORDER BY c.last_seen DESC, c.id DESC LIMIT ?`,
    )
    .all(scope.funnelId, ...where.params, ...(before ? [before.lastSeen, before.lastSeen, before.id] : []), limit);
  const last = rows.at(-1);
  return { contacts: rows.map(toRow), next: rows.length === limit && last ? `${last.last_seen}.${last.id}` : null };
}

export function getContact(sqlite: Database, funnelId: string, contactId: number): ContactDetail | null {
  const r = sqlite.query<Raw, [string, number]>(`${SELECT} WHERE c.funnel_id = ? AND c.id = ?`).get(funnelId, contactId);
  if (!r) return null;
  const links = sqlite
    .query<{ anonymous_id: string; linked_at: number }, [string, number]>(
      "SELECT anonymous_id, linked_at FROM contact_visitors WHERE funnel_id = ? AND contact_id = ? ORDER BY linked_at",
    )
    .all(funnelId, contactId);
  return { ...toRow(r), visitorIds: links.map((l) => l.anonymous_id), identifiedAt: links[0]?.linked_at ?? null };
}

export function contactJourney(sqlite: Database, funnelId: string, contactId: number, limit = 2000): Journey {
  const visitors = "SELECT anonymous_id FROM contact_visitors WHERE funnel_id = ? AND contact_id = ?";
  const sessions = sqlite
    .query<Parameters<typeof toSessionView>[0], [string, string, number]>(
      `SELECT * FROM sessions INDEXED BY sessions_funnel_anon_started WHERE funnel_id = ? AND anonymous_id IN (${visitors}) ORDER BY started_at, id`,
    )
    .all(funnelId, funnelId, contactId)
    .map(toSessionView);
  const events = sqlite
    .query<EventRowRaw, [string, string, number, number]>(
      // INDEXED BY: ORDER BY ts would otherwise tempt SQLite into walking the funnel's whole (funnel_id, ts) index.
      `SELECT ${EVENT_VIEW_COLUMNS} FROM events INDEXED BY events_funnel_anon WHERE funnel_id = ? AND anonymous_id IN (${visitors}) ORDER BY ts, row_id LIMIT ?`,
    )
    .all(funnelId, funnelId, contactId, limit + 1)
    .map(toEventView);
  return { sessions, events: events.slice(0, limit), truncated: events.length > limit };
}
