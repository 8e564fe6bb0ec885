// Who a funnel visitor is, for drill-down lists: their latest event (with its
// session) and, for contacts, their email and name. Visitor keys come from
// load-journeys: "c<contact id>" or "a<anonymous id>". A visitor's events are found
// through their visits (sessions by visitor, then events by session).
import type { Database } from "bun:sqlite";
import type { VisitorIdentity } from "../../journey-reader";
import { decodePublicId, encodePublicId, funnelKey, NO_VISIT } from "../layout";

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
  row_id: number;
  session_id: PublicId;
  anonymous_id: PublicId;
}

/** The latest of the chosen events, with the text of its kind, path, visit and visitor. */
const latest = (events: string) => `
  SELECT k.type, k.name, p.value AS path, last.ts, last.row_id, coalesce(s.public_id, v.public_id) AS session_id, v.public_id AS anonymous_id
  FROM (${events} ORDER BY ts DESC, row_id DESC LIMIT 1) last
  JOIN kinds k ON k.id = last.kind JOIN visitors v ON v.key = last.visitor
  LEFT JOIN sessions s ON s.key = last.session LEFT JOIN strings p ON p.id = last.path`;

const COLS = "e.kind, e.path, e.ts, e.row_id, e.session, e.visitor";

/** The events of the visits of the visitors `who` selects (?1 is the funnel key). */
const throughVisits = (who: string) => `SELECT ${COLS} FROM sessions vs INDEXED BY sessions_funnel_visitor
  JOIN events e INDEXED BY events_funnel_session ON e.funnel = ?1 AND e.session = vs.key
  WHERE vs.funnel = ?1 AND vs.visitor IN (${who}) AND e.visitor = vs.visitor`;

/**
 * Events with no visit (NO_VISIT: a payment that found none, whose visitor is the
 * order's own; a refund of an order whose visit is gone) at or after ?3: a pass over
 * the funnel's events with no visit from that time on, by (funnel, session, ts).
 */
const withoutVisit = (who: string) => `SELECT ${COLS} FROM events e INDEXED BY events_funnel_session
  WHERE e.funnel = ?1 AND e.session = ${NO_VISIT} AND e.ts >= ?3 AND e.visitor IN (${who})`;

/** The later of two events (ties by row id). */
const later = (a: EventRow | null, b: EventRow | null) => (!a ? b : !b ? a : b.ts > a.ts || (b.ts === a.ts && b.row_id > a.row_id) ? b : a);

/** The visitors key of an anonymous id in the funnel (?1 the funnel key, ?2 the encoded id). */
const ANON = "SELECT key FROM visitors WHERE funnel = ?1 AND public_id = ?2";
/** The visitors a contact used (?2 the contact id). */
const OF_CONTACT = "SELECT visitor FROM contact_visitors WHERE contact_id = ?2";

export function visitorIdentities(sqlite: Database, funnelId: string, keys: string[]): VisitorIdentity[] {
  const key = funnelKey(sqlite, funnelId);
  const byAnon = sqlite.query<EventRow, [number | null, PublicId]>(latest(throughVisits(ANON)));
  const byAnonNoVisit = sqlite.query<EventRow, [number | null, PublicId, number]>(latest(withoutVisit(ANON)));
  const byContact = sqlite.query<EventRow, [number | null, number]>(latest(throughVisits(OF_CONTACT)));
  const byContactNoVisit = sqlite.query<EventRow, [number | null, number, number]>(latest(withoutVisit(OF_CONTACT)));
  const contact = sqlite.query<{ email: string | null; name: string | null }, [number, string]>(
    "SELECT email, name FROM contacts WHERE id = ? AND funnel_id = ?",
  );
  return keys.map((visitor) => {
    const k = parseVisitorKey(visitor);
    // The latest event through the visits, then any event with no visit since.
    let row: EventRow | null;
    if ("contactId" in k) {
      const visited = byContact.get(key, k.contactId);
      row = later(visited, byContactNoVisit.get(key, k.contactId, visited?.ts ?? Number.MIN_SAFE_INTEGER));
    } else {
      const id = encodePublicId(k.anonymousId);
      const visited = byAnon.get(key, id);
      row = later(visited, byAnonNoVisit.get(key, id, visited?.ts ?? Number.MIN_SAFE_INTEGER));
    }
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
