// The SQLite event history read back for the copy to ClickHouse, in row-id order, a
// chunk at a time: events as the rows ClickHouse's writer makes (StoredEvent through
// writer/rows.ts eventRow), and the visitor → contact links. Reads the compact layout
// through its wide views (../../sqlite/layout/wide.ts), so every value is the one the
// SDK sent, whatever dictionary holds it.
import type { Database } from "bun:sqlite";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { WIDE_CONTACT_VISITORS_SQL, WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "../../sqlite/layout";
import type { VisitorLink } from "../writer/contacts";
import { eventRow, type EventRow } from "../writer/rows";
import { visitPart, type SourceVisit } from "./visit-part";

/** A wide event row (WIDE_EVENTS_SQL's columns) and its visit's key. */
interface WideEvent {
  session_key: number;
  row_id: number;
  funnel_id: string;
  id: string;
  type: string;
  name: string;
  ts: number;
  anonymous_id: string;
  session_id: string;
  user_id: string | null;
  contact_id: number | null;
  url: string | null;
  path: string | null;
  title: string | null;
  referrer: string | null;
  referrer_host: string | null;
  screen_w: number | null;
  screen_h: number | null;
  language: string | null;
  timezone: string | null;
  props: string | null;
  revenue_minor: number | null;
  currency: string | null;
  verified: number;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  channel: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  click_id: string | null;
  flags: string | null;
  order_id: string | null;
}

/** The visit's attributes: ClickHouse takes a visit's from its opening event. */
const VISIT_ATTRIBUTES = [
  "channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id",
  "browser", "os", "device", "country", "region", "city",
] as const;
type VisitAttributes = Pick<WideEvent, (typeof VISIT_ATTRIBUTES)[number]>;
type Visit = SourceVisit & VisitAttributes;

interface WideVisit extends VisitAttributes {
  session_key: number;
  started_at: number;
  last_at: number;
  opener_row_id: number;
  opener_ts: number;
}

export interface EventChunk {
  rows: EventRow[];
  /** The last row id in the chunk (the cursor after it). */
  last: number;
}

const toStored = (r: WideEvent): StoredEvent => ({
  rowId: r.row_id, funnelId: r.funnel_id, id: r.id, type: r.type, name: r.name, ts: r.ts,
  // The compact layout keeps no arrival time (docs/storage.md): the event's own stands in.
  receivedAt: r.ts,
  anonymousId: r.anonymous_id, sessionId: r.session_id, userId: r.user_id, contactId: r.contact_id, url: r.url, path: r.path,
  title: r.title, referrer: r.referrer, referrerHost: r.referrer_host, screenW: r.screen_w, screenH: r.screen_h,
  language: r.language, timezone: r.timezone, props: r.props === null ? null : JSON.parse(r.props), revenueMinor: r.revenue_minor,
  currency: r.currency, verified: r.verified === 1, browser: r.browser, browserVersion: r.browser_version, os: r.os,
  device: r.device, country: r.country, region: r.region, city: r.city, channel: r.channel, utmSource: r.utm_source,
  utmMedium: r.utm_medium, utmCampaign: r.utm_campaign, utmTerm: r.utm_term, utmContent: r.utm_content, clickId: r.click_id,
  flags: r.flags, orderId: r.order_id,
});

/** A wide view with a column added and its first table replaced by a chunk of it. */
function cutFirst(wide: string, column: string, table: string, chunk: string): string {
  if (!wide.startsWith("SELECT ") || !wide.includes(table)) throw new Error(`the wide view no longer reads "${table}"`);
  return wide.replace(/^SELECT /, `SELECT ${column}, `).replace(table, chunk);
}

export class SqliteHistory {
  private events;
  private visits;
  private links;

  constructor(private sqlite: Database) {
    // The chunk is cut first, by row id, then joined: with the range as a WHERE on the
    // whole join, SQLite starts from funnel_keys and sorts the funnel's every event.
    this.events = sqlite.prepare<WideEvent, [number, number, number]>(
      cutFirst(WIDE_EVENTS_SQL, "e.session AS session_key", "FROM events e JOIN", "FROM (SELECT * FROM events WHERE row_id > ? AND row_id <= ? ORDER BY row_id LIMIT ?) e JOIN") + " ORDER BY e.row_id",
    );
    // A visit's opening event is the first one written to it (the lowest row id).
    this.visits = sqlite.prepare<WideVisit, [string]>(
      `SELECT w.*, o.row_id AS opener_row_id, o.ts AS opener_ts FROM (
         ${WIDE_SESSIONS_SQL.replace(/^SELECT /, "SELECT s.key AS session_key, (SELECT min(x.row_id) FROM events x WHERE x.funnel = s.funnel AND x.session = s.key) AS first_row, ")}
         WHERE s.key IN (SELECT value FROM json_each(?))) w
       JOIN events o ON o.row_id = w.first_row`,
    );
    this.links = sqlite.prepare<{ visitor: number; funnel_id: string; anonymous_id: string; contact_id: number; linked_at: number }, [number, number, number]>(
      cutFirst(WIDE_CONTACT_VISITORS_SQL, "cv.visitor AS visitor", "FROM contact_visitors cv JOIN", "FROM (SELECT * FROM contact_visitors WHERE visitor > ? AND visitor <= ? ORDER BY visitor LIMIT ?) cv JOIN") + " ORDER BY cv.visitor",
    );
  }

  /** The highest event row id and contact-link visitor key: what a copy started now goes up to. */
  ends(): { events: number; links: number } {
    const e = this.sqlite.query<{ n: number | null }, []>("SELECT max(row_id) AS n FROM events").get();
    const l = this.sqlite.query<{ n: number | null }, []>("SELECT max(visitor) AS n FROM contact_visitors").get();
    return { events: e?.n ?? 0, links: l?.n ?? 0 };
  }

  /** How many events lie in (after, until]; row ids are the table's primary key, so this is a range count. */
  countEvents(after: number, until: number): number {
    return this.sqlite.query<{ n: number }, [number, number]>("SELECT count(*) AS n FROM events WHERE row_id > ? AND row_id <= ?").get(after, until)!.n;
  }

  countLinks(after: number, until: number): number {
    return this.sqlite.query<{ n: number }, [number, number]>("SELECT count(*) AS n FROM contact_visitors WHERE visitor > ? AND visitor <= ?").get(after, until)!.n;
  }

  /** Up to `limit` events after row id `after`, as ClickHouse rows; the same arguments give the same rows. */
  eventChunk(after: number, until: number, limit: number): EventChunk | null {
    const wide = this.events.all(after, until, limit);
    if (!wide.length) return null;
    const keys = [...new Set(wide.map((r) => r.session_key).filter((k) => k !== 0))];
    const visits = new Map<number, Visit>();
    for (const v of this.visits.all(JSON.stringify(keys))) {
      visits.set(v.session_key, { ...v, startedAt: v.started_at, lastAt: v.last_at, openerRowId: v.opener_row_id, openerTs: v.opener_ts });
    }
    const rows = wide.map((r) => {
      const visit = r.session_key === 0 ? null : (visits.get(r.session_key) ?? null);
      const stored = toStored(r);
      const part = visitPart(stored, visit);
      const row = eventRow(stored, part);
      // The visit's attributes are its SQLite row's, carried by its opening event (an
      // older layout's visit could name other values than its first event).
      if (part.opensVisit && visit) for (const c of VISIT_ATTRIBUTES) row[c] = visit[c];
      return row;
    });
    return { rows, last: wide[wide.length - 1].row_id };
  }

  linkChunk(after: number, until: number, limit: number): { rows: VisitorLink[]; last: number } | null {
    const found = this.links.all(after, until, limit);
    if (!found.length) return null;
    const rows = found.map((r) => ({ funnel_id: r.funnel_id, anonymous_id: r.anonymous_id, contact_id: r.contact_id, linked_at: r.linked_at }));
    return { rows, last: found[found.length - 1].visitor };
  }
}
