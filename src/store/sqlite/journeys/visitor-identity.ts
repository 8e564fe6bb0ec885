// Who a funnel visitor is, for drill-down lists: their latest event (with its
// session) and, for contacts, their email and name. Visitor keys come from
// load-journeys: "c<contact id>" or "a<anonymous id>".
import type { Database } from "bun:sqlite";
import type { VisitorIdentity } from "../../journey-reader";

export function parseVisitorKey(key: string): { contactId: number } | { anonymousId: string } {
  if (key.startsWith("c") && /^c\d+$/.test(key)) return { contactId: Number(key.slice(1)) };
  return { anonymousId: key.slice(1) };
}

interface EventRow {
  type: string;
  name: string;
  path: string | null;
  ts: number;
  session_id: string;
  anonymous_id: string;
}

const COLS = "type, name, path, ts, session_id, anonymous_id";

export function visitorIdentities(sqlite: Database, funnelId: string, keys: string[]): VisitorIdentity[] {
  const byAnon = sqlite.query<EventRow, [string, string]>(
    `SELECT ${COLS} FROM events WHERE funnel_id = ? AND anonymous_id = ? ORDER BY ts DESC, row_id DESC LIMIT 1`,
  );
  const byContact = sqlite.query<EventRow, [string, string, number]>(
    `SELECT ${COLS} FROM events WHERE funnel_id = ? AND anonymous_id IN
       (SELECT anonymous_id FROM contact_visitors WHERE funnel_id = ? AND contact_id = ?)
     ORDER BY ts DESC, row_id DESC LIMIT 1`,
  );
  const contact = sqlite.query<{ email: string | null; name: string | null }, [number, string]>(
    "SELECT email, name FROM contacts WHERE id = ? AND funnel_id = ?",
  );
  return keys.map((visitor) => {
    const k = parseVisitorKey(visitor);
    const row = "contactId" in k ? byContact.get(funnelId, funnelId, k.contactId) : byAnon.get(funnelId, k.anonymousId);
    const c = "contactId" in k ? contact.get(k.contactId, funnelId) : null;
    return {
      visitor,
      contactId: "contactId" in k ? k.contactId : null,
      anonymousId: "anonymousId" in k ? k.anonymousId : (row?.anonymous_id ?? null),
      email: c?.email ?? null,
      contactName: c?.name ?? null,
      lastEvent: row ? { type: row.type, name: row.name, path: row.path, ts: row.ts, sessionId: row.session_id, anonymousId: row.anonymous_id } : null,
    };
  });
}
