// Who a funnel visitor is, for drill-down lists: their latest event (with its
// session) and, for contacts, their email and name. Visitor keys come from
// load-journeys: "c<contact id>" or "a<anonymous id>". A visitor's events are found
// through their visits (sessions by visitor, then events by session).
import type { Database } from "bun:sqlite";
import type { VisitorIdentity } from "../../journey-reader";
import { decodePublicId, encodePublicId, funnelKey } from "../layout";

export function parseVisitorKey(key: string): { contactId: number } | { anonymousId: string } {
  if (key.startsWith("c") && /^c\d+$/.test(key)) return { contactId: Number(key.slice(1)) };
  return { anonymousId: key.slice(1) };
}

type PublicId = string | Uint8Array;

interface EventRow {
  type: string;
  name: string;
  path: string | null;
  ts: number;
  session_id: PublicId;
  anonymous_id: PublicId;
}

/** The latest of the chosen events (alias e), with the text of its kind, path, visit and visitor. */
const latest = (events: string) => `
  SELECT k.type, k.name, p.value AS path, e.ts, s.public_id AS session_id, v.public_id AS anonymous_id
  FROM (${events} ORDER BY e.ts DESC, e.row_id DESC LIMIT 1) e
  JOIN kinds k ON k.id = e.kind JOIN sessions s ON s.key = e.session JOIN visitors v ON v.key = e.visitor
  LEFT JOIN strings p ON p.id = e.path`;

export function visitorIdentities(sqlite: Database, funnelId: string, keys: string[]): VisitorIdentity[] {
  const key = funnelKey(sqlite, funnelId);
  const byAnon = sqlite.query<EventRow, [number | null, number | null, PublicId]>(
    latest(`SELECT e.kind, e.path, e.ts, e.row_id, e.session, e.visitor FROM visitors x
      JOIN sessions vs INDEXED BY sessions_funnel_visitor ON vs.funnel = x.funnel AND vs.visitor = x.key
      JOIN events e INDEXED BY events_funnel_session ON e.funnel = x.funnel AND e.session = vs.key
      WHERE x.funnel = ? AND e.visitor = x.key AND x.key = (SELECT key FROM visitors WHERE funnel = ? AND public_id = ?)`),
  );
  const byContact = sqlite.query<EventRow, [number | null, number]>(
    latest(`SELECT e.kind, e.path, e.ts, e.row_id, e.session, e.visitor FROM contact_visitors x
      JOIN sessions vs INDEXED BY sessions_funnel_visitor ON vs.funnel = ?1 AND vs.visitor = x.visitor
      JOIN events e INDEXED BY events_funnel_session ON e.funnel = ?1 AND e.session = vs.key
      WHERE x.contact_id = ?2 AND e.visitor = x.visitor`),
  );
  const contact = sqlite.query<{ email: string | null; name: string | null }, [number, string]>(
    "SELECT email, name FROM contacts WHERE id = ? AND funnel_id = ?",
  );
  return keys.map((visitor) => {
    const k = parseVisitorKey(visitor);
    const row = "contactId" in k ? byContact.get(key, k.contactId) : byAnon.get(key, key, encodePublicId(k.anonymousId));
    const c = "contactId" in k ? contact.get(k.contactId, funnelId) : null;
    const anonymousId = row ? decodePublicId(row.anonymous_id) : null;
    return {
      visitor,
      contactId: "contactId" in k ? k.contactId : null,
      anonymousId: "anonymousId" in k ? k.anonymousId : anonymousId,
      email: c?.email ?? null,
      contactName: c?.name ?? null,
      lastEvent: row ? { type: row.type, name: row.name, path: row.path, ts: row.ts, sessionId: decodePublicId(row.session_id), anonymousId: anonymousId! } : null,
    };
  });
}
