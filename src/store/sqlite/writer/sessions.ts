// Writes to the sessions table: resolve which visit an event belongs to, and fold it in.
import type { Database } from "bun:sqlite";
import type { Attribution } from "../../../enrich/attribution";
import { Lru } from "../../../enrich/lru";
import type { Enriched } from "../../../pipeline/enrich-event";
import { isBrowsing, isEngaging, newSessionId, SESSION_IDLE_MS } from "../../session-rules";

export interface SessionAttribution extends Attribution {
  channel: string | null;
  referrerHost: string | null;
}

export interface SessionRow extends SessionAttribution {
  id: string;
  lastAt: number;
  startedAt: number;
}

interface SessionDelta {
  funnel: string;
  id: string;
  /** Null while only server-side events joined: they do not move the visit's bounds. */
  minTs: number | null;
  maxTs: number | null;
  firstViewTs: number | null;
  firstViewPath: string | null;
  lastViewTs: number | null;
  lastViewPath: string | null;
  views: number;
  events: number;
  engaging: number;
  contact: number | null;
  conversions: number;
  revenue: Record<string, number> | null;
}

export class SessionWriter {
  private visitorSessions;
  private byId;
  private insert;
  private update;
  private setContact;
  private addOrder;
  // Only this writer changes sessions, so recent ones are remembered instead of
  // re-read for every event; forget() drops them when a transaction rolls back.
  private recentByVisitor = new Lru<string, SessionRow>(50_000);
  private recentById = new Lru<string, SessionRow>(50_000);
  private pending = new Map<string, SessionDelta>();

  constructor(sqlite: Database) {
    const cols = `id, last_at AS lastAt, started_at AS startedAt, channel, referrer_host AS referrerHost,
      utm_source AS utmSource, utm_medium AS utmMedium, utm_campaign AS utmCampaign, utm_term AS utmTerm,
      utm_content AS utmContent, click_id AS clickId`;
    // No ORDER BY … DESC LIMIT 1: SQLite's backward seek costs ~10 µs even when nothing
    // matches, a forward one ~1 µs, and a visitor has few sessions (the latest sit in the LRU).
    this.visitorSessions = sqlite.prepare<SessionRow, [string, string]>(
      `SELECT ${cols} FROM sessions WHERE funnel_id = ? AND anonymous_id = ?`,
    );
    this.byId = sqlite.prepare<SessionRow, [string, string]>(`SELECT ${cols} FROM sessions WHERE funnel_id = ? AND id = ?`);
    this.insert = sqlite.prepare(
      `INSERT INTO sessions (funnel_id, id, anonymous_id, contact_id, started_at, last_at, entry_path, exit_path,
        pageviews, events, duration_ms, bounce, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term,
        utm_content, click_id, browser, os, device, country, region, city, converted, conversions, revenue)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // All SET expressions read the row as it was before the update.
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
       WHERE funnel_id = $funnel AND id = $id`,
    );
    this.setContact = sqlite.prepare(
      "UPDATE sessions SET contact_id = ? WHERE funnel_id = ? AND anonymous_id = ? AND contact_id IS NULL",
    );
    this.addOrder = sqlite.prepare(
      `UPDATE sessions SET conversions = conversions + $conversions, events = events + $conversions, converted = max(converted, $conversions > 0),
        revenue = json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor)
       WHERE funnel_id = $funnel AND id = $id`,
    );
  }

  /** The visit a checkout names, if it exists (memoised like the others). */
  byClientId(funnelId: string, sessionId: string): SessionRow | null {
    return this.recentById.get(`${funnelId}\u0000${sessionId}`) ?? this.byId.get(funnelId, sessionId);
  }

  /** A visitor's latest visit, if any. */
  lastOf(funnelId: string, anonymousId: string): SessionRow | null {
    return this.recentByVisitor.get(`${funnelId}\u0000${anonymousId}`) ?? this.latestOf(funnelId, anonymousId);
  }

  /**
   * Counts a payment in a visit (one more event and conversion), or stops counting a
   * superseded conversion's revenue (negative minor, no conversion). A payment can come
   * hours after the visit: its start, end and duration stay as they were.
   */
  addRevenue(funnelId: string, id: string, currency: string, minor: number, conversions: 0 | 1): void {
    this.flush(); // folds first, as if written per batch: keeps the revenue object's key order
    this.addOrder.run({ funnel: funnelId, id, currency, minor, conversions });
  }

  /**
   * The session an event joins: the client's id when sent; otherwise the visitor's
   * latest visit if it was active within 30 minutes and no new campaign lands.
   */
  resolve(funnelId: string, anonymousId: string, clientSessionId: string | undefined, ts: number, a: Attribution): { id: string; existing: SessionRow | null } {
    if (clientSessionId) {
      const key = `${funnelId}\u0000${clientSessionId}`;
      const existing = this.recentById.get(key) ?? this.byId.get(funnelId, clientSessionId);
      return { id: clientSessionId, existing };
    }
    const key = `${funnelId}\u0000${anonymousId}`;
    const last = this.recentByVisitor.get(key) ?? this.latestOf(funnelId, anonymousId);
    const newCampaign = a.utmSource !== null && (a.utmSource !== last?.utmSource || a.utmCampaign !== last?.utmCampaign);
    if (last && ts - last.lastAt <= SESSION_IDLE_MS && ts >= last.startedAt - SESSION_IDLE_MS && !newCampaign) {
      return { id: last.id, existing: last };
    }
    return { id: newSessionId(), existing: null };
  }

  private latestOf(funnelId: string, anonymousId: string): SessionRow | null {
    let latest: SessionRow | null = null;
    for (const row of this.visitorSessions.iterate(funnelId, anonymousId)) if (!latest || row.lastAt > latest.lastAt) latest = row;
    return latest;
  }

  forget(): void {
    this.pending.clear();
    this.recentByVisitor = new Lru(50_000);
    this.recentById = new Lru(50_000);
  }

  private remember(funnelId: string, anonymousId: string, row: SessionRow): void {
    this.recentById.set(`${funnelId}\u0000${row.id}`, row);
    const key = `${funnelId}\u0000${anonymousId}`;
    const latest = this.recentByVisitor.get(key);
    if (!latest || latest.id === row.id || latest.lastAt <= row.lastAt) this.recentByVisitor.set(key, row);
  }

  /** Attribution of a new session comes from the event that opens it. */
  open(p: {
    funnelId: string; id: string; anonymousId: string; contactId: number | null; ts: number;
    type: string; name: string; en: Enriched;
  }): SessionAttribution {
    const { en } = p;
    const a = en.attribution;
    const isView = p.type === "page_view";
    const conv = p.type === "conversion" ? 1 : 0;
    this.insert.run(
      p.funnelId, p.id, p.anonymousId, p.contactId, p.ts, p.ts, en.path, en.path,
      isView ? 1 : 0, isEngaging(p.type, p.name) ? 0 : 1, en.channel, en.referrerHost,
      a.utmSource, a.utmMedium, a.utmCampaign, a.utmTerm, a.utmContent, a.clickId,
      en.ua.browser, en.ua.os, en.ua.device, en.geo.country, en.geo.region, en.geo.city,
      conv, conv, en.currency && en.revenueMinor !== null ? JSON.stringify({ [en.currency]: en.revenueMinor }) : "{}",
    );
    const attribution = { ...a, channel: en.channel, referrerHost: en.referrerHost };
    this.remember(p.funnelId, p.anonymousId, { ...attribution, id: p.id, lastAt: p.ts, startedAt: p.ts });
    return attribution;
  }

  /** Adds an event to a known session; written by flush(), once per session per run. */
  fold(p: { funnelId: string; id: string; anonymousId: string; existing: SessionRow; contactId: number | null; ts: number; type: string; name: string; en: Enriched }): void {
    const e = p.existing;
    const browsing = isBrowsing(p.type, p.en.bySecretKey);
    if (browsing) this.remember(p.funnelId, p.anonymousId, { ...e, lastAt: Math.max(e.lastAt, p.ts), startedAt: Math.min(e.startedAt, p.ts) });
    const key = `${p.funnelId}\u0000${p.id}`;
    let d = this.pending.get(key);
    if (!d) {
      d = { funnel: p.funnelId, id: p.id, minTs: null, maxTs: null, firstViewTs: null, firstViewPath: null, lastViewTs: null, lastViewPath: null, views: 0, events: 0, engaging: 0, contact: null, conversions: 0, revenue: null };
      this.pending.set(key, d);
    }
    if (browsing) {
      d.minTs = d.minTs === null ? p.ts : Math.min(d.minTs, p.ts);
      d.maxTs = d.maxTs === null ? p.ts : Math.max(d.maxTs, p.ts);
    }
    d.events++;
    if (p.type === "page_view") {
      d.views++;
      if (d.firstViewTs === null || p.ts < d.firstViewTs) [d.firstViewTs, d.firstViewPath] = [p.ts, p.en.path];
      if (d.lastViewTs === null || p.ts >= d.lastViewTs) [d.lastViewTs, d.lastViewPath] = [p.ts, p.en.path];
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

  linkContact(funnelId: string, anonymousId: string, contactId: number): void {
    this.setContact.run(contactId, funnelId, anonymousId);
  }
}
