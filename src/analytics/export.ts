// CSV export of a scope's events, sessions or contacts, streamed page by page: each
// pull runs one short keyset query (a registered read, off the HTTP thread), so
// nothing is held open between pages and a large export never sits in memory.
// This file holds the format (headers, cells) and the stream; the store reads the pages
// (src/store/sqlite/dashboard/export-page.ts).
import type { ContactRow, EventView, SessionRow } from "../store/dashboard-views";
import { csvRow, type Cell } from "./csv";

export const EXPORT_KINDS = ["events", "sessions", "contacts"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

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

/** Where the next page of an export starts: the last row of the previous page. */
export interface ExportCursor {
  at: number;
  id: string | number;
}

export interface ExportPage {
  csv: string;
  next: ExportCursor | null;
}

export function exportHeader(kind: ExportKind): string {
  return csvRow(kind === "events" ? EVENT_HEADER : kind === "sessions" ? SESSION_HEADER : CONTACT_HEADER);
}

/**
 * The whole file as a stream: the header and `first`, then page after page as the
 * client reads (loadPage runs off the HTTP thread). A page that fails mid-way (too
 * slow) ends the download with an error, so the client sees it is incomplete.
 */
export function exportCsv(kind: ExportKind, first: ExportPage, loadPage: (before: ExportCursor | null) => Promise<ExportPage>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before = first.next;
  let done = first.next === null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(exportHeader(kind) + first.csv));
    },
    async pull(controller) {
      // Each pull must enqueue or close, or the stream stops asking.
      while (!done) {
        const page = await loadPage(before);
        before = page.next;
        done = page.next === null;
        if (page.csv) return controller.enqueue(encoder.encode(page.csv));
      }
      controller.close();
    },
  });
}

const EVENT_HEADER = [
  "time_utc", "time_local", "event_id", "type", "name", "visitor_id", "session_id", "contact_id", "contact_email", "url", "path",
  "title", "referrer", "referrer_host", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id",
  "browser", "browser_version", "os", "device", "country", "region", "city", "revenue", "currency", "verified", "props",
];

/** Events as rows, in the order given; `email`: the contact's email by visit. */
export function eventRows(events: EventView[], email: Map<string, string | null>, local: (ms: number) => string): string {
  let out = "";
  for (const e of events) {
    const cells: Cell[] = [
      iso(e.ts), local(e.ts), e.id, e.type, e.name, e.anonymousId, e.sessionId, e.contactId, email.get(e.sessionId) ?? null, e.url, e.path,
      e.title, e.referrer, e.referrerHost, e.channel, e.utm_source, e.utm_medium, e.utm_campaign, e.utm_term, e.utm_content, e.clickId,
      e.browser, e.browserVersion, e.os, e.device, e.country, e.region, e.city, e.revenue?.amount ?? null, e.revenue?.currency ?? null,
      e.type === "conversion" ? e.verified : null, e.props ? JSON.stringify(e.props) : null,
    ];
    out += csvRow(cells);
  }
  return out;
}

const SESSION_HEADER = [
  "session_id", "visitor_id", "contact_id", "contact_email", "started_utc", "started_local", "duration_seconds", "entry_page", "exit_page",
  "pageviews", "events", "bounced", "channel", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
  "click_id", "browser", "os", "device", "country", "region", "city", "converted", "conversions", "revenue", "currency", "other_revenue",
];

export function sessionRows(sessions: SessionRow[], local: (ms: number) => string): string {
  let out = "";
  for (const s of sessions) {
    out += csvRow([
      s.id, s.anonymousId, s.contactId, s.contactEmail, iso(s.startedAt), local(s.startedAt), s.durationSeconds, s.entryPath, s.exitPath,
      s.pageviews, s.events, s.bounce, s.channel, s.referrerHost, s.utm_source, s.utm_medium, s.utm_campaign, s.utm_term, s.utm_content,
      s.clickId, s.browser, s.os, s.device, s.country, s.region, s.city, s.converted, s.conversions, ...moneyCells(s.revenue),
    ]);
  }
  return out;
}

const CONTACT_HEADER = [
  "contact_id", "email", "name", "user_id", "first_seen_utc", "first_seen_local", "last_seen_utc", "last_seen_local", "first_channel",
  "first_source", "sessions", "conversions", "revenue", "currency", "other_revenue", "traits",
];

export function contactRows(contacts: ContactRow[], local: (ms: number) => string): string {
  let out = "";
  for (const c of contacts) {
    out += csvRow([
      c.id, c.email, c.name, c.userId, iso(c.firstSeen), local(c.firstSeen), iso(c.lastSeen), local(c.lastSeen), c.firstChannel,
      c.firstSource, c.sessions, c.conversions, ...moneyCells(c.revenue), JSON.stringify(c.traits),
    ]);
  }
  return out;
}
