// Writes to the sessions table: resolve which visit an event belongs to, and fold it in.
// A visit is its key (sessions.key, what events.session holds); the SDK's id is kept
// once, encoded, in (funnel, public_id).
import type { Database } from "bun:sqlite";
import type { Attribution } from "../../../enrich/attribution";
import { Lru } from "../../../enrich/lru";
import type { Enriched } from "../../../pipeline/enrich-event";
import { isBrowsing, isEngaging, newSessionId, SESSION_IDLE_MS } from "../../session-rules";
import { decodePublicId, encodePublicId, type Dictionaries, type StoredPublicId } from "../layout";
import type { SessionAttribution } from "../../stored-row";

export type { SessionAttribution };

export interface SessionRow extends SessionAttribution {
  /** The public (SDK) id. */
  id: string;
  key: number;
  lastAt: number;
  startedAt: number;
}

/** A visitor in the writer's terms: the funnel and visitor keys, and the public id. */
export interface VisitorRef {
  funnel: number;
  visitor: number;
  anonymousId: string;
}

interface SessionDelta {
  key: number;
  /** Null while only server-side events joined: they do not move the visit's bounds. */
  minTs: number | null;
  maxTs: number | null;
  firstViewTs: number | null;
  firstViewPath: number | null;
  lastViewTs: number | null;
  lastViewPath: number | null;
  views: number;
  events: number;
  engaging: number;
  contact: number | null;
  conversions: number;
  revenue: Record<string, number> | null;
}

type StoredRow = Omit<SessionRow, "id"> & { publicId: StoredPublicId };

const COLS = `s.key, s.public_id AS publicId, s.last_at AS lastAt, s.started_at AS startedAt, src.channel, src.referrer_host AS referrerHost,
  src.utm_source AS utmSource, src.utm_medium AS utmMedium, src.utm_campaign AS utmCampaign, src.utm_term AS utmTerm,
  src.utm_content AS utmContent, s.click_id AS clickId`;
const FROM = "sessions s LEFT JOIN sources src ON src.id = s.source";

const toRow = (r: StoredRow | null): SessionRow | null => {
  if (!r) return null;
  const { publicId, ...rest } = r;
  return { ...rest, id: decodePublicId(publicId) };
};

export class SessionWriter {
  private visitorSessions;
  private byId;
  private maxKey;
  private insert;
  private update;
  private setContact;
  private addOrder;
  // Only this writer changes sessions, so recent ones are remembered instead of
  // re-read for every event; forget() drops them when a transaction rolls back.
  private recentByVisitor = new Lru<string, SessionRow>(50_000);
  private recentById = new Lru<string, SessionRow>(50_000);
  private pending = new Map<number, SessionDelta>();
  /**
   * The highest key handed out; keys of new visits are chosen here, so an event row can
   * name its visit before the visit is written. Read again in every run (one index
   * seek): between runs another writer (aurea seed-demo) may have added visits.
   */
  private lastKey: number | null = null;

  constructor(
    sqlite: Database,
    private dict: Dictionaries,
  ) {
    // No ORDER BY … DESC LIMIT 1: SQLite's backward seek costs ~10 µs even when nothing
    // matches, a forward one ~1 µs, and a visitor has few sessions (the latest sit in the LRU).
    this.visitorSessions = sqlite.prepare<StoredRow, [number, number]>(`SELECT ${COLS} FROM ${FROM} WHERE s.funnel = ? AND s.visitor = ?`);
    this.byId = sqlite.prepare<StoredRow, [number, StoredPublicId]>(`SELECT ${COLS} FROM ${FROM} WHERE s.funnel = ? AND s.public_id = ?`);
    this.maxKey = sqlite.prepare<{ key: number | null }, []>("SELECT max(key) AS key FROM sessions");
    this.insert = sqlite.prepare(
      `INSERT INTO sessions (key, funnel, public_id, visitor, contact_id, started_at, last_at, entry_path, exit_path,
        pageviews, events, duration_ms, bounce, source, client, place, click_id, converted, conversions, revenue)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // All SET expressions read the row as it was before the update. revenue NULL means {}.
    this.update = sqlite.prepare(
      `UPDATE sessions SET
        entry_path = CASE WHEN $firstViewTs IS NOT NULL AND $firstViewTs < started_at THEN $firstViewPath ELSE entry_path END,
        exit_path = CASE WHEN $lastViewTs IS NOT NULL AND $lastViewTs >= last_at THEN $lastViewPath ELSE exit_path END,
        started_at = min(started_at, coalesce($minTs, started_at)),
        last_at = max(last_at, coalesce($maxTs, last_at)),
        duration_ms = max(last_at, coalesce($maxTs, last_at)) - min(started_at, coalesce($minTs, started_at)),
        pageviews = pageviews + $views,
        events = events + $events,
        bounce = CASE WHEN bounce = 1 AND pageviews + $views <= 1 AND $engaging = 0 THEN 1 ELSE 0 END,
        contact_id = coalesce($contact, contact_id),
        converted = max(converted, $conversions > 0),
        conversions = conversions + $conversions,
        revenue = CASE WHEN $revenue IS NULL THEN revenue ELSE (
          SELECT json_group_object(key, total) FROM (
            SELECT key, sum(value) AS total FROM (SELECT key, value FROM json_each(revenue) UNION ALL SELECT key, value FROM json_each($revenue))
            GROUP BY key)) END
       WHERE key = $key`,
    );
    this.setContact = sqlite.prepare("UPDATE sessions SET contact_id = ? WHERE funnel = ? AND visitor = ? AND contact_id IS NULL");
    this.addOrder = sqlite.prepare(
      `UPDATE sessions SET conversions = conversions + $conversions, events = events + $conversions, converted = max(converted, $conversions > 0),
        revenue = json_set(coalesce(revenue, '{}'), '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor)
       WHERE key = $key`,
    );
  }

  /** The visit a checkout names, if it exists (memoised like the others). */
  byClientId(funnel: number, sessionId: string): SessionRow | null {
    return this.recentById.get(`${funnel}\u0000${sessionId}`) ?? toRow(this.byId.get(funnel, encodePublicId(sessionId)));
  }

  /** A visitor's latest visit, if any. */
  lastOf(v: VisitorRef): SessionRow | null {
    return this.recentByVisitor.get(`${v.funnel}\u0000${v.visitor}`) ?? this.latestOf(v);
  }

  /**
   * Counts a payment in a visit (one more event and conversion), or stops counting a
   * superseded conversion's revenue (negative minor, no conversion). A payment can come
   * hours after the visit: its start, end and duration stay as they were.
   */
  addRevenue(key: number, currency: string, minor: number, conversions: 0 | 1): void {
    this.flush(); // folds first, as if written per batch: keeps the revenue object's key order
    this.addOrder.run({ key, currency, minor, conversions });
  }

  /**
   * The session an event joins: the client's id when sent; otherwise the visitor's
   * latest visit if it was active within 30 minutes and no new campaign lands. A new
   * visit gets its key now (written by open()).
   */
  resolve(v: VisitorRef, clientSessionId: string | undefined, ts: number, a: Attribution): { id: string; key: number; existing: SessionRow | null } {
    if (clientSessionId) {
      const existing = this.byClientId(v.funnel, clientSessionId);
      return { id: clientSessionId, key: existing?.key ?? this.nextKey(), existing };
    }
    const last = this.lastOf(v);
    const newCampaign = a.utmSource !== null && (a.utmSource !== last?.utmSource || a.utmCampaign !== last?.utmCampaign);
    if (last && ts - last.lastAt <= SESSION_IDLE_MS && ts >= last.startedAt - SESSION_IDLE_MS && !newCampaign) {
      return { id: last.id, key: last.key, existing: last };
    }
    return { id: newSessionId(), key: this.nextKey(), existing: null };
  }

  private nextKey(): number {
    this.lastKey ??= this.maxKey.get()?.key ?? 0;
    return ++this.lastKey;
  }

  private latestOf(v: VisitorRef): SessionRow | null {
    let latest: StoredRow | null = null;
    for (const row of this.visitorSessions.iterate(v.funnel, v.visitor)) if (!latest || row.lastAt > latest.lastAt) latest = row;
    return toRow(latest);
  }

  /** Call at the start of each processing transaction. */
  newRun(): void {
    this.lastKey = null;
  }

  forget(): void {
    this.pending.clear();
    this.lastKey = null;
    this.recentByVisitor = new Lru(50_000);
    this.recentById = new Lru(50_000);
  }

  private remember(v: VisitorRef, row: SessionRow): void {
    this.recentById.set(`${v.funnel}\u0000${row.id}`, row);
    const key = `${v.funnel}\u0000${v.visitor}`;
    const latest = this.recentByVisitor.get(key);
    if (!latest || latest.id === row.id || latest.lastAt <= row.lastAt) this.recentByVisitor.set(key, row);
  }

  /** Attribution of a new session comes from the event that opens it. */
  open(p: {
    v: VisitorRef; id: string; key: number; contactId: number | null; ts: number;
    type: string; name: string; en: Enriched; client: number; place: number;
  }): SessionAttribution {
    const { en, v } = p;
    const a = en.attribution;
    const isView = p.type === "page_view";
    const conv = p.type === "conversion" ? 1 : 0;
    const attribution = { ...a, channel: en.channel, referrerHost: en.referrerHost };
    const path = this.dict.string(en.path);
    this.insert.run(
      p.key, v.funnel, encodePublicId(p.id), v.visitor, p.contactId, p.ts, p.ts, path, path,
      isView ? 1 : 0, isEngaging(p.type, p.name) ? 0 : 1, this.dict.source(attribution), p.client, p.place, a.clickId,
      conv, conv, en.currency && en.revenueMinor !== null ? JSON.stringify({ [en.currency]: en.revenueMinor }) : null,
    );
    this.remember(v, { ...attribution, id: p.id, key: p.key, lastAt: p.ts, startedAt: p.ts });
    return attribution;
  }

  /** Adds an event to a known session; written by flush(), once per session per run. */
  fold(p: { v: VisitorRef; existing: SessionRow; contactId: number | null; ts: number; type: string; name: string; en: Enriched }): void {
    const e = p.existing;
    const browsing = isBrowsing(p.type, p.en.bySecretKey);
    if (browsing) this.remember(p.v, { ...e, lastAt: Math.max(e.lastAt, p.ts), startedAt: Math.min(e.startedAt, p.ts) });
    let d = this.pending.get(e.key);
    if (!d) {
      d = { key: e.key, minTs: null, maxTs: null, firstViewTs: null, firstViewPath: null, lastViewTs: null, lastViewPath: null, views: 0, events: 0, engaging: 0, contact: null, conversions: 0, revenue: null };
      this.pending.set(e.key, d);
    }
    if (browsing) {
      d.minTs = d.minTs === null ? p.ts : Math.min(d.minTs, p.ts);
      d.maxTs = d.maxTs === null ? p.ts : Math.max(d.maxTs, p.ts);
    }
    d.events++;
    if (p.type === "page_view") {
      d.views++;
      if (d.firstViewTs === null || p.ts < d.firstViewTs) [d.firstViewTs, d.firstViewPath] = [p.ts, this.dict.string(p.en.path)];
      if (d.lastViewTs === null || p.ts >= d.lastViewTs) [d.lastViewTs, d.lastViewPath] = [p.ts, this.dict.string(p.en.path)];
    }
    if (isEngaging(p.type, p.name)) d.engaging = 1;
    if (p.contactId !== null) d.contact = p.contactId;
    if (p.type === "conversion") d.conversions++;
    if (p.en.revenueMinor !== null && p.en.currency) {
      d.revenue ??= {};
      d.revenue[p.en.currency] = (d.revenue[p.en.currency] ?? 0) + p.en.revenueMinor;
    }
  }

  /** Writes what fold() gathered; call before the run's transaction ends. */
  flush(): void {
    for (const d of this.pending.values()) this.update.run({ ...d, revenue: d.revenue ? JSON.stringify(d.revenue) : null });
    this.pending.clear();
  }

  linkContact(v: VisitorRef, contactId: number): void {
    this.setContact.run(contactId, v.funnel, v.visitor);
  }
}
