// Where a funnel visitor came from, for drill-down lists: the visit they entered the
// funnel in (source, device, place) and when they were first seen. Visitor keys come
// from load-journeys: "c<contact id>" or "a<anonymous id>". One indexed lookup each,
// on (funnel, visitor, started_at); the visit's dictionaries are read for that one row.
import type { Database } from "bun:sqlite";
import type { VisitorEntry } from "../../journey-reader";
import { encodePublicId, funnelKey } from "../layout";
import { parseVisitorKey } from "./visitor-identity";

interface EntryRow {
  channel: string | null;
  utm_source: string | null;
  referrer_host: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
  city: string | null;
}

/** The chosen visit (alias s, one row) with its source, client and place. */
const withDictionaries = (visit: string) => `
  SELECT src.channel, src.utm_source, src.referrer_host, c.device, c.browser, c.os, pl.country, pl.city
  FROM (${visit}) s LEFT JOIN sources src ON src.id = s.source LEFT JOIN clients c ON c.id = s.client LEFT JOIN places pl ON pl.id = s.place`;

/** The visitors key of an anonymous id in the funnel (?1 the funnel key, ?2 the encoded id). */
const VISITOR = "(SELECT key FROM visitors WHERE funnel = ?1 AND public_id = ?2)";

export function visitorEntries(sqlite: Database, funnelId: string, visitors: { visitor: string; enteredAt: number }[]): VisitorEntry[] {
  const key = funnelKey(sqlite, funnelId);
  // The latest visit that started by the entry hit: the visit the entry happened in.
  const byAnon = sqlite.query<EntryRow, [number | null, string | Uint8Array, number]>(
    withDictionaries(`SELECT source, client, place FROM sessions INDEXED BY sessions_funnel_visitor
      WHERE funnel = ?1 AND visitor = ${VISITOR} AND started_at <= ?3 ORDER BY started_at DESC LIMIT 1`),
  );
  const firstByAnon = sqlite.query<{ first: number | null }, [number | null, string | Uint8Array]>(
    `SELECT min(started_at) AS first FROM sessions INDEXED BY sessions_funnel_visitor WHERE funnel = ?1 AND visitor = ${VISITOR}`,
  );
  const byContact = sqlite.query<EntryRow, [number | null, number, number]>(
    withDictionaries(`SELECT source, client, place FROM sessions INDEXED BY sessions_funnel_visitor
      WHERE funnel = ?1 AND visitor IN (SELECT visitor FROM contact_visitors WHERE contact_id = ?2)
        AND started_at <= ?3 ORDER BY started_at DESC LIMIT 1`),
  );
  const contactFirst = sqlite.query<{ first: number | null }, [number, string]>("SELECT first_seen AS first FROM contacts WHERE id = ? AND funnel_id = ?");
  return visitors.map(({ visitor, enteredAt }) => {
    const k = parseVisitorKey(visitor);
    const anon = "anonymousId" in k ? encodePublicId(k.anonymousId) : null;
    const row = "contactId" in k ? byContact.get(key, k.contactId, enteredAt) : byAnon.get(key, anon!, enteredAt);
    const first = "contactId" in k ? contactFirst.get(k.contactId, funnelId) : firstByAnon.get(key, anon!);
    return entryOf(row, first?.first ?? null);
  });
}

/** The entry visit's columns (snake_case, as both stores read them) as a VisitorEntry. */
export function entryOf(
  row: { channel: string | null; utm_source: string | null; referrer_host: string | null; device: string | null; browser: string | null; os: string | null; country: string | null; city: string | null } | null | undefined,
  firstSeen: number | null,
): VisitorEntry {
  return {
    channel: row?.channel ?? null,
    source: row?.utm_source ?? row?.referrer_host ?? null,
    device: row?.device ?? null,
    browser: row?.browser ?? null,
    os: row?.os ?? null,
    country: row?.country ?? null,
    city: row?.city ?? null,
    firstSeen,
  };
}
