// Contacts, most recently seen first, for the read API.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { ContactView } from "../../dashboard-views";

interface Raw {
  id: number; email: string | null; user_id: string | null; name: string | null; traits: string; first_seen: number;
  last_seen: number; first_channel: string | null; first_source: string | null; conversions: number; revenue: string;
  sessions: number; anonymous_ids: string | null;
}

// Sessions are counted through the visitor ids the contact used (indexed), not
// through sessions.contact_id, which has no index of its own on purpose: one on
// (funnel_id, contact_id) lures the planner into scanning every anonymous session.
const SELECT = `SELECT c.*, (SELECT count(*) FROM contact_visitors v JOIN sessions s
    ON s.funnel_id = v.funnel_id AND s.anonymous_id = v.anonymous_id WHERE v.contact_id = c.id) AS sessions,
  (SELECT group_concat(anonymous_id, ' ') FROM contact_visitors v WHERE v.contact_id = c.id) AS anonymous_ids
  FROM contacts c`;

export function toContactView(r: Raw): ContactView {
  return {
    id: r.id, email: r.email, userId: r.user_id, name: r.name, traits: JSON.parse(r.traits) as Record<string, unknown>,
    firstSeen: r.first_seen, lastSeen: r.last_seen, firstChannel: r.first_channel, firstSource: r.first_source,
    sessions: r.sessions, conversions: r.conversions, revenue: revenueMapToMajor(r.revenue),
    anonymousIds: r.anonymous_ids ? r.anonymous_ids.split(" ") : [],
  };
}

export function listContacts(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { contacts: ContactView[]; next: string | null } {
  const rows = before
    ? sqlite
        .query<Raw, [string, number, number, number]>(
          `${SELECT} WHERE c.funnel_id = ? AND (c.last_seen < ? OR (c.last_seen = ? AND c.id < ?)) ORDER BY c.last_seen DESC, c.id DESC LIMIT ${limit}`,
        )
        .all(funnelId, before.ts, before.ts, typeof before.tie === "number" ? before.tie : 0)
    : sqlite.query<Raw, [string]>(`${SELECT} WHERE c.funnel_id = ? ORDER BY c.last_seen DESC, c.id DESC LIMIT ${limit}`).all(funnelId);
  const last = rows.at(-1);
  return { contacts: rows.map(toContactView), next: rows.length === limit && last ? formatCursor(last.last_seen, last.id) : null };
}
