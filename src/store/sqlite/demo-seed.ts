// Demo seeding for the SQLite store (src/demo/generate.ts makes the visits): writes them
// straight into events, sessions, contacts and contact_visitors with prepared statements,
// one transaction per ~20k events. Far faster than the ingest path, and the rows look
// exactly like the ones the pipeline writes.
import { analyzeNow } from "./statistics";
import { encodeEventId } from "./event-id";
import type { Database } from "bun:sqlite";
import { Rollups } from "./rollups/refresh";
import { isEngaging } from "../session-rules";
import { DemoGenerator, type DemoVisit, type GenerateOptions } from "../../demo/generate";

export interface SeedResult {
  funnelId: string;
  events: number;
  sessions: number;
  visitors: number;
  contacts: number;
  /** Time spent writing rows, and then rebuilding the funnel's dashboard rollups. */
  ms: number;
  rollupMs: number;
}

interface ContactState {
  id: number;
  firstSeen: number;
  lastSeen: number;
  conversions: number;
  revenue: Record<string, number>;
}

const EVENT_COLUMNS = [
  "funnel_id", "id", "type", "name", "ts", "received_at", "anonymous_id", "session_id", "user_id", "contact_id",
  "url", "path", "title", "referrer", "referrer_host", "screen_w", "screen_h", "language", "timezone", "props",
  "revenue_minor", "currency", "verified", "browser", "browser_version", "os", "device", "country", "region", "city",
  "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id",
];
const SESSION_COLUMNS = [
  "funnel_id", "id", "anonymous_id", "contact_id", "started_at", "last_at", "entry_path", "exit_path", "pageviews", "events",
  "duration_ms", "bounce", "channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
  "click_id", "browser", "os", "device", "country", "region", "city", "converted", "conversions", "revenue",
];
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const EVENTS_PER_TRANSACTION = 20_000;

export function seedDemo(sqlite: Database, funnelId: string, opts: GenerateOptions): SeedResult {
  const started = performance.now();
  // Demo data is disposable: skip the per-commit fsync (half the time on a small VPS)
  // and keep the index pages in memory while seeding; both are restored afterwards.
  const pragma = (name: string) => Number(Object.values(sqlite.query(`PRAGMA ${name}`).get() as object)[0]);
  const cacheSize = pragma("cache_size");
  const synchronous = pragma("synchronous");
  sqlite.exec("PRAGMA cache_size = -524288");
  sqlite.exec("PRAGMA synchronous = OFF");
  try {
    const result = seedWith(sqlite, funnelId, opts, started);
    const t = performance.now();
    new Rollups(sqlite).rebuild(funnelId, opts.now);
    // Fresh statistics for the planner; a running server's readers pick them up (src/store/sqlite/statistics.ts).
    analyzeNow(sqlite);
    return { ...result, rollupMs: Math.round(performance.now() - t) };
  } finally {
    sqlite.exec(`PRAGMA synchronous = ${synchronous}`);
    sqlite.exec(`PRAGMA cache_size = ${cacheSize}`);
  }
}

function seedWith(sqlite: Database, funnelId: string, opts: GenerateOptions, started: number): Omit<SeedResult, "rollupMs"> {
  const insertEvent = sqlite.prepare(`INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(", ")}) VALUES (${placeholders(EVENT_COLUMNS.length)})`);
  const insertSession = sqlite.prepare(`INSERT OR IGNORE INTO sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${placeholders(SESSION_COLUMNS.length)})`);
  const findContact = sqlite.prepare<{ id: number; conversions: number; revenue: string; first_seen: number; last_seen: number }, [string, string]>(
    "SELECT id, conversions, revenue, first_seen, last_seen FROM contacts WHERE funnel_id = ? AND email = ?",
  );
  const insertContact = sqlite.prepare<{ id: number }, [string, string, string, string, number, number, string | null, string | null]>(
    `INSERT INTO contacts (funnel_id, email, name, traits, first_seen, last_seen, first_channel, first_source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const linkVisitor = sqlite.prepare(
    `INSERT INTO contact_visitors (funnel_id, anonymous_id, contact_id, linked_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (funnel_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id, linked_at = excluded.linked_at`,
  );
  const backfillEvents = sqlite.prepare("UPDATE events SET contact_id = ? WHERE funnel_id = ? AND anonymous_id = ? AND contact_id IS NULL");
  const backfillSessions = sqlite.prepare("UPDATE sessions SET contact_id = ? WHERE funnel_id = ? AND anonymous_id = ? AND contact_id IS NULL");
  const saveContact = sqlite.prepare("UPDATE contacts SET first_seen = ?, last_seen = ?, conversions = ?, revenue = ? WHERE id = ?");
  const markFirstEvent = sqlite.prepare("UPDATE funnels SET first_event_at = min(coalesce(first_event_at, ?), ?) WHERE id = ?");

  const contacts = new Map<string, ContactState>();
  const contactsById = new Map<number, ContactState>();
  const contactOf = new Map<string, number>();
  const firstTouch = new Map<string, { channel: string; source: string | null }>();
  const seenVisitors = new Set<string>();
  let events = 0;
  let sessions = 0;
  let firstTs = Number.POSITIVE_INFINITY;

  const contactFor = (visit: DemoVisit): ContactState => {
    const { email, name } = visit.identify!;
    let c = contacts.get(email);
    if (!c) {
      const existing = findContact.get(funnelId, email);
      const ts = visit.events[0].ts;
      if (existing) {
        c = { id: existing.id, firstSeen: existing.first_seen, lastSeen: existing.last_seen, conversions: existing.conversions, revenue: JSON.parse(existing.revenue) };
      } else {
        const touch = firstTouch.get(visit.visitor.anonymousId);
        const id = insertContact.get(funnelId, email, name, JSON.stringify({ email, name }), ts, ts, touch?.channel ?? null, touch?.source ?? null)!.id;
        c = { id, firstSeen: ts, lastSeen: ts, conversions: 0, revenue: {} };
      }
      contacts.set(email, c);
      contactsById.set(c.id, c);
    }
    return c;
  };

  const write = (visit: DemoVisit) => {
    const v = visit.visitor;
    const anon = v.anonymousId;
    if (!firstTouch.has(anon)) firstTouch.set(anon, { channel: visit.channel, source: visit.utm.source ?? visit.referrerHost });
    seenVisitors.add(anon);
    let contact: ContactState | null = null;
    if (visit.identify) {
      contact = contactFor(visit);
      if (contactOf.get(anon) !== contact.id) {
        linkVisitor.run(funnelId, anon, contact.id, visit.events[0].ts);
        backfillEvents.run(contact.id, funnelId, anon);
        backfillSessions.run(contact.id, funnelId, anon);
        contactOf.set(anon, contact.id);
      }
    }
    const contactId = contactOf.get(anon) ?? null;
    const revenue: Record<string, number> = {};
    let pageviews = 0;
    let conversions = 0;
    let engaged = false;
    let entry: string | null = null;
    let exit: string | null = null;
    const { device: d, place: p } = v;
    for (const e of visit.events) {
      insertEvent.run(
        funnelId, encodeEventId(e.id), e.type, e.name, e.ts, e.ts + 150, anon, visit.sessionId, e.userId, contactId,
        e.url, e.path, e.title, e.referrer, e.referrerHost, d.screen[0], d.screen[1], p.language, p.timezone, e.props,
        e.revenueMinor, e.currency, e.verified ? 1 : 0, d.browser, d.version, d.os, d.device, p.country, p.region, p.city,
        visit.channel, visit.utm.source, visit.utm.medium, visit.utm.campaign, visit.utm.term, visit.utm.content, visit.clickId,
      );
      if (e.type === "page_view") {
        pageviews++;
        entry ??= e.path;
        exit = e.path;
      } else if (isEngaging(e.type, e.name)) engaged = true;
      if (e.type === "conversion") {
        conversions++;
        if (e.currency && e.revenueMinor !== null) revenue[e.currency] = (revenue[e.currency] ?? 0) + e.revenueMinor;
      }
    }
    const first = visit.events[0].ts;
    const last = visit.events[visit.events.length - 1].ts;
    insertSession.run(
      funnelId, visit.sessionId, anon, contactId, first, last, entry, exit, pageviews, visit.events.length,
      last - first, pageviews <= 1 && !engaged ? 1 : 0, visit.channel, visit.referrerHost, visit.utm.source, visit.utm.medium,
      visit.utm.campaign, visit.utm.term, visit.utm.content, visit.clickId, d.browser, d.os, d.device, p.country, p.region,
      p.city, conversions > 0 ? 1 : 0, conversions, JSON.stringify(revenue),
    );
    if (contactId !== null) {
      const c = contact ?? contactsById.get(contactId);
      if (c) {
        c.lastSeen = Math.max(c.lastSeen, last);
        c.firstSeen = Math.min(c.firstSeen, first);
        c.conversions += conversions;
        for (const [cur, minor] of Object.entries(revenue)) c.revenue[cur] = (c.revenue[cur] ?? 0) + minor;
      }
    }
    firstTs = Math.min(firstTs, first);
    events += visit.events.length;
    sessions++;
  };

  let chunk: DemoVisit[] = [];
  let chunkEvents = 0;
  const flush = sqlite.transaction(() => {
    for (const visit of chunk) write(visit);
  });
  for (const visit of new DemoGenerator(opts).visits()) {
    chunk.push(visit);
    chunkEvents += visit.events.length;
    if (chunkEvents >= EVENTS_PER_TRANSACTION) {
      flush();
      chunk = [];
      chunkEvents = 0;
    }
  }
  sqlite.transaction(() => {
    for (const visit of chunk) write(visit);
    for (const c of contacts.values()) saveContact.run(c.firstSeen, c.lastSeen, c.conversions, JSON.stringify(c.revenue), c.id);
    if (Number.isFinite(firstTs)) markFirstEvent.run(firstTs, firstTs, funnelId);
  })();
  return { funnelId, events, sessions, visitors: seenVisitors.size, contacts: contacts.size, ms: Math.round(performance.now() - started) };
}
