// Contacts, most recently seen first, for the read API.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { ContactView } from "../../dashboard-views";
import { decodePublicId, funnelKey } from "../layout";

interface Raw {
  id: number; email: string | null; user_id: string | null; name: string | null; traits: string; first_seen: number;
  last_seen: number; first_channel: string | null; first_source: string | null; conversions: number; revenue: string;
  sessions: number;
}

// Sessions are counted through the visitors the contact used (indexed), not through
// sessions.contact_id, which has no index of its own on purpose: one on
// (funnel, contact_id) lures the planner into scanning every anonymous session.
// Bind the funnel key first.
const SELECT = `SELECT c.*, (SELECT count(*) FROM contact_visitors v CROSS JOIN sessions s
    ON s.funnel = ? AND s.visitor = v.visitor WHERE v.contact_id = c.id) AS sessions
  FROM contacts c`;

export function toContactView(r: Raw, anonymousIds: string[]): ContactView {
  return {
    id: r.id, email: r.email, userId: r.user_id, name: r.name, traits: JSON.parse(r.traits) as Record<string, unknown>,
    firstSeen: r.first_seen, lastSeen: r.last_seen, firstChannel: r.first_channel, firstSource: r.first_source,
    sessions: r.sessions, conversions: r.conversions, revenue: revenueMapToMajor(r.revenue), anonymousIds,
  };
}

/** The visitor ids each contact used, decoded, in the order they were linked. */
function visitorIdsOf(sqlite: Database, contactIds: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!contactIds.length) return out;
  const rows = sqlite
    .query<{ contact_id: number; public_id: string | Uint8Array }, number[]>(
      `SELECT cv.contact_id AS contact_id, v.public_id AS public_id FROM contact_visitors cv CROSS JOIN visitors v ON v.key = cv.visitor
       WHERE cv.contact_id IN (${contactIds.map(() => "?").join(", ")}) ORDER BY cv.contact_id, cv.linked_at, cv.visitor`,
    )
    .all(...contactIds);
  for (const r of rows) {
    const ids = out.get(r.contact_id) ?? [];
    ids.push(decodePublicId(r.public_id));
    out.set(r.contact_id, ids);
  }
  return out;
}

export function listContacts(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { contacts: ContactView[]; next: string | null } {
  const key = funnelKey(sqlite, funnelId);
  const rows = before
    ? sqlite
        .query<Raw, [number | null, string, number, number, number]>(
          `${SELECT} WHERE c.funnel_id = ? AND (c.last_seen < ? OR (c.last_seen = ? AND c.id < ?)) ORDER BY c.last_seen DESC, c.id DESC LIMIT ${limit}`,
        )
        .all(key, funnelId, before.ts, before.ts, typeof before.tie === "number" ? before.tie : 0)
    : sqlite.query<Raw, [number | null, string]>(`${SELECT} WHERE c.funnel_id = ? ORDER BY c.last_seen DESC, c.id DESC LIMIT ${limit}`).all(key, funnelId);
  const ids = visitorIdsOf(sqlite, rows.map((r) => r.id));
  const last = rows.at(-1);
  return { contacts: rows.map((r) => toContactView(r, ids.get(r.id) ?? [])), next: rows.length === limit && last ? formatCursor(last.last_seen, last.id) : null };
}
