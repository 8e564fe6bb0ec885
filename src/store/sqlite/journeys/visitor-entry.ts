// Where a funnel visitor came from, for drill-down lists: the visit they entered the
// funnel in (source, device, place) and when they were first seen. Visitor keys come
// from load-journeys: "c<contact id>" or "a<anonymous id>". One indexed lookup each.
import type { Database } from "bun:sqlite";
import type { VisitorEntry } from "../../journey-reader";
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

const COLS = "channel, utm_source, referrer_host, device, browser, os, country, city";

export function visitorEntries(sqlite: Database, funnelId: string, visitors: { visitor: string; enteredAt: number }[]): VisitorEntry[] {
  // The latest visit that started by the entry hit: the visit the entry happened in.
  const byAnon = sqlite.query<EntryRow, [string, string, number]>(
    `SELECT ${COLS} FROM sessions INDEXED BY sessions_funnel_anon_started
     WHERE funnel_id = ? AND anonymous_id = ? AND started_at <= ? ORDER BY started_at DESC LIMIT 1`,
  );
  const firstByAnon = sqlite.query<{ first: number | null }, [string, string]>(
    "SELECT min(started_at) AS first FROM sessions INDEXED BY sessions_funnel_anon_started WHERE funnel_id = ? AND anonymous_id = ?",
  );
  const byContact = sqlite.query<EntryRow, [string, string, number, number]>(
    `SELECT ${COLS} FROM sessions INDEXED BY sessions_funnel_anon_started
     WHERE funnel_id = ? AND anonymous_id IN (SELECT anonymous_id FROM contact_visitors WHERE funnel_id = ? AND contact_id = ?)
       AND started_at <= ? ORDER BY started_at DESC LIMIT 1`,
  );
  const contactFirst = sqlite.query<{ first: number | null }, [number, string]>("SELECT first_seen AS first FROM contacts WHERE id = ? AND funnel_id = ?");
  return visitors.map(({ visitor, enteredAt }) => {
    const k = parseVisitorKey(visitor);
    const row = "contactId" in k ? byContact.get(funnelId, funnelId, k.contactId, enteredAt) : byAnon.get(funnelId, k.anonymousId, enteredAt);
    const first = "contactId" in k ? contactFirst.get(k.contactId, funnelId) : firstByAnon.get(funnelId, k.anonymousId);
    return {
      channel: row?.channel ?? null,
      source: row?.utm_source ?? row?.referrer_host ?? null,
      device: row?.device ?? null,
      browser: row?.browser ?? null,
      os: row?.os ?? null,
      country: row?.country ?? null,
      city: row?.city ?? null,
      firstSeen: first?.first ?? null,
    };
  });
}
