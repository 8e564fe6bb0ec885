// Demo seeding for the SQLite store (src/demo/generate.ts makes the visits): writes them
// straight into events, sessions, contacts and contact_visitors (and the dictionaries,
// ./layout/) with prepared statements, one transaction per ~20k events. Far faster than
// the ingest path, and the rows look exactly like the ones the pipeline writes.
import { analyzeNow } from "./statistics";
import type { Database } from "bun:sqlite";
import { Dictionaries, encodePublicId, ensureFunnelKey } from "./layout";
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
  "funnel", "id", "kind", "ts", "visitor", "session", "path", "url", "title", "referrer", "client", "place", "source",
  "props", "contact_id", "user_id", "revenue_minor", "currency", "verified", "click_id",
];
const SESSION_COLUMNS = [
  "key", "funnel", "public_id", "visitor", "contact_id", "started_at", "last_at", "entry_path", "exit_path", "pageviews", "events",
  "duration_ms", "bounce", "source", "client", "place", "click_id", "converted", "conversions", "revenue",
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
    `INSERT INTO contact_visitors (visitor, contact_id, linked_at) VALUES (?, ?, ?)
     ON CONFLICT (visitor) DO UPDATE SET contact_id = excluded.contact_id, linked_at = excluded.linked_at`,
  );
  const backfillEvents = sqlite.prepare(
    `UPDATE events SET contact_id = $contact WHERE funnel = $funnel AND visitor = $visitor AND contact_id IS NULL
      AND session IN (SELECT key FROM sessions WHERE funnel = $funnel AND visitor = $visitor)`,
  );
  const backfillSessions = sqlite.prepare("UPDATE sessions SET contact_id = ? WHERE funnel = ? AND visitor = ? AND contact_id IS NULL");
  const dict = new Dictionaries(sqlite);
  const funnel = ensureFunnelKey(sqlite, funnelId);
  // Visit keys are chosen here so events can name their visit; read in each transaction,
  // since a running server may add visits between them.
  const maxKey = sqlite.prepare<{ key: number | null }, []>("SELECT max(key) AS key FROM sessions");
  let sessionKey = 0;
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
    const visitor = dict.visitor(funnel, anon);
    let contact: ContactState | null = null;
    if (visit.identify) {
      contact = contactFor(visit);
      if (contactOf.get(anon) !== contact.id) {
        linkVisitor.run(visitor, contact.id, visit.events[0].ts);
        backfillEvents.run({ contact: contact.id, funnel, visitor });
        backfillSessions.run(contact.id, funnel, visitor);
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
    const session = ++sessionKey;
    const client = dict.client({
      browser: d.browser, browserVersion: d.version, os: d.os, device: d.device, screenW: d.screen[0], screenH: d.screen[1],
      language: p.language, timezone: p.timezone,
    });
    const place = dict.place(p);
    const u = visit.utm;
    const sourceOf = (referrerHost: string | null) => dict.source({
      channel: visit.channel, referrerHost, utmSource: u.source, utmMedium: u.medium, utmCampaign: u.campaign, utmTerm: u.term, utmContent: u.content,
    });
    for (const e of visit.events) {
      insertEvent.run(
        funnel, encodePublicId(e.id), dict.kind(e.type, e.name), e.ts, visitor, session, dict.string(e.path), dict.string(e.url),
        dict.string(e.title), dict.string(e.referrer), client, place, sourceOf(e.referrerHost), dict.propsJson(e.props), contactId,
        e.userId, e.revenueMinor, e.currency, e.verified ? 1 : null, visit.clickId,
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
      session, funnel, encodePublicId(visit.sessionId), visitor, contactId, first, last, dict.string(entry), dict.string(exit),
      pageviews, visit.events.length, last - first, pageviews <= 1 && !engaged ? 1 : 0, sourceOf(visit.referrerHost), client, place,
      visit.clickId, conversions > 0 ? 1 : 0, conversions, Object.keys(revenue).length ? JSON.stringify(revenue) : null,
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
    sessionKey = maxKey.get()?.key ?? 0;
    for (const visit of chunk) write(visit);
  });
  for (const visit of new DemoGenerator(opts).visits()) {
    chunk.push(visit);
    chunkEvents += visit.events.length;
    if (chunkEvents >= EVENTS_PER_TRANSACTION) {
      flush.immediate();
      chunk = [];
      chunkEvents = 0;
    }
  }
  sqlite.transaction(() => {
    sessionKey = maxKey.get()?.key ?? 0;
    for (const visit of chunk) write(visit);
    for (const c of contacts.values()) saveContact.run(c.firstSeen, c.lastSeen, c.conversions, JSON.stringify(c.revenue), c.id);
    if (Number.isFinite(firstTs)) markFirstEvent.run(firstTs, firstTs, funnelId);
  }).immediate();
  return { funnelId, events, sessions, visitors: seenVisitors.size, contacts: contacts.size, ms: Math.round(performance.now() - started) };
}
