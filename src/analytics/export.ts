// CSV export of a scope's events, sessions or contacts, streamed page by page: each
// pull runs one short keyset query, so nothing is held open between chunks and a
// large export never sits in memory.
import type { Database } from "bun:sqlite";
import { browseContacts, type ContactRow } from "./contact-browse";
import { csvRow, type Cell } from "./csv";
import { EVENT_VIEW_COLUMNS, toEventView, type EventRowRaw } from "./event-list";
import type { Scope } from "./filters";
import { localTimeFormatter } from "./local-time";
import { browseSessions, type SessionRow } from "./session-browse";
import { DAY_MS } from "./timezone";

export const EXPORT_KINDS = ["events", "sessions", "contacts"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

const SESSIONS_PER_PAGE = 250;
const CONTACTS_PER_PAGE = 500;

const iso = (ms: number) => new Date(ms).toISOString();
/**
 * Revenue as a number and its currency, like events.csv, so spreadsheets can sum it:
 * the largest currency in those two cells; any others (rare) as "10 GBP; 5 EUR" beside.
 */
function moneyCells(byCurrency: Record<string, number>): [number | null, string | null, string | null] {
  const entries = Object.entries(byCurrency).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!entries.length) return [null, null, null];
  const others = entries.slice(1).map(([c, v]) => `${v} ${c}`).join("; ");
  return [entries[0][1], entries[0][0], others || null];
}

export function exportCsv(sqlite: Database, kind: ExportKind, scope: Scope, tz: string): ReadableStream<Uint8Array> {
  const local = localTimeFormatter(scope.from - DAY_MS, scope.to + DAY_MS, tz);
  const chunks = kind === "events" ? eventChunks(sqlite, scope, local) : kind === "sessions" ? sessionChunks(sqlite, scope, local) : contactChunks(sqlite, scope, local);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      chunks.return(undefined);
    },
  });
}

function* scopeSessions(sqlite: Database, scope: Scope): Generator<SessionRow[]> {
  let before: { startedAt: number; id: string } | null = null;
  for (;;) {
    const page = browseSessions(sqlite, scope, SESSIONS_PER_PAGE, before);
    if (page.sessions.length) yield page.sessions;
    const last = page.sessions.at(-1);
    if (!page.next || !last) return;
    before = { startedAt: last.startedAt, id: last.id };
  }
}

const EVENT_HEADER = [
  "time_utc", "time_local", "event_id", "type", "name", "visitor_id", "session_id", "contact_id", "contact_email", "url", "path",
  "title", "referrer", "referrer_host", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id",
  "browser", "browser_version", "os", "device", "country", "region", "city", "revenue", "currency", "verified", "props",
];

/** Events of the scope's visits, visit by visit (newest visit first), each visit's events in order. */
function* eventChunks(sqlite: Database, scope: Scope, local: (ms: number) => string): Generator<string> {
  yield csvRow(EVENT_HEADER);
  for (const sessions of scopeSessions(sqlite, scope)) {
    const ids = sessions.map((s) => s.id);
    const email = new Map(sessions.map((s) => [s.id, s.contactEmail]));
    const rows = sqlite
      .query<EventRowRaw, string[]>(
        // One index lookup per visit; ordered below (an ORDER BY ts would pull in the (funnel_id, ts) index).
        `SELECT ${EVENT_VIEW_COLUMNS} FROM events INDEXED BY events_funnel_session WHERE funnel_id = ? AND session_id IN (${ids.map(() => "?").join(", ")})`,
      )
      .all(scope.funnelId, ...ids);
    const order = new Map(ids.map((id, i) => [id, i]));
    rows.sort((a, b) => order.get(a.session_id)! - order.get(b.session_id)! || a.ts - b.ts || a.row_id - b.row_id);
    let out = "";
    for (const r of rows) {
      const e = toEventView(r);
      const cells: Cell[] = [
        iso(e.ts), local(e.ts), e.id, e.type, e.name, e.anonymousId, e.sessionId, e.contactId, email.get(e.sessionId) ?? null, e.url, e.path,
        e.title, e.referrer, e.referrerHost, e.channel, e.utm_source, e.utm_medium, e.utm_campaign, e.utm_term, e.utm_content, e.clickId,
        e.browser, e.browserVersion, e.os, e.device, e.country, e.region, e.city, e.revenue?.amount ?? null, e.revenue?.currency ?? null,
        e.type === "conversion" ? e.verified : null, e.props ? JSON.stringify(e.props) : null,
      ];
      out += csvRow(cells);
    }
    yield out;
  }
}

const SESSION_HEADER = [
  "session_id", "visitor_id", "contact_id", "contact_email", "started_utc", "started_local", "duration_seconds", "entry_page", "exit_page",
  "pageviews", "events", "bounced", "channel", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
  "click_id", "browser", "os", "device", "country", "region", "city", "converted", "conversions", "revenue", "currency", "other_revenue",
];

function* sessionChunks(sqlite: Database, scope: Scope, local: (ms: number) => string): Generator<string> {
  yield csvRow(SESSION_HEADER);
  for (const sessions of scopeSessions(sqlite, scope)) {
    let out = "";
    for (const s of sessions) {
      out += csvRow([
        s.id, s.anonymousId, s.contactId, s.contactEmail, iso(s.startedAt), local(s.startedAt), s.durationSeconds, s.entryPath, s.exitPath,
        s.pageviews, s.events, s.bounce, s.channel, s.referrerHost, s.utm_source, s.utm_medium, s.utm_campaign, s.utm_term, s.utm_content,
        s.clickId, s.browser, s.os, s.device, s.country, s.region, s.city, s.converted, s.conversions, ...moneyCells(s.revenue),
      ]);
    }
    yield out;
  }
}

const CONTACT_HEADER = [
  "contact_id", "email", "name", "user_id", "first_seen_utc", "first_seen_local", "last_seen_utc", "last_seen_local", "first_channel",
  "first_source", "sessions", "conversions", "revenue", "currency", "other_revenue", "traits",
];

function* contactChunks(sqlite: Database, scope: Scope, local: (ms: number) => string): Generator<string> {
  yield csvRow(CONTACT_HEADER);
  let before: { lastSeen: number; id: number } | null = null;
  for (;;) {
    const page = browseContacts(sqlite, scope, CONTACTS_PER_PAGE, before);
    let out = "";
    for (const c of page.contacts) out += contactCells(c, local);
    if (out) yield out;
    const last = page.contacts.at(-1);
    if (!page.next || !last) return;
    before = { lastSeen: last.lastSeen, id: last.id };
  }
}

function contactCells(c: ContactRow, local: (ms: number) => string): string {
  return csvRow([
    c.id, c.email, c.name, c.userId, iso(c.firstSeen), local(c.firstSeen), iso(c.lastSeen), local(c.lastSeen), c.firstChannel,
    c.firstSource, c.sessions, c.conversions, ...moneyCells(c.revenue), JSON.stringify(c.traits),
  ]);
}

