// Writes to the sessions table: resolve which visit an event belongs to, and fold it in.
import type { Database } from "bun:sqlite";
import type { Attribution } from "../enrich/attribution";
import type { Enriched } from "./enrich-event";

export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** Auto-captured events that do not make a visit "engaged" (so it still bounces). */
const PASSIVE_EVENTS = new Set(["scroll_depth", "section_view"]);

export interface SessionAttribution extends Attribution {
  channel: string | null;
  referrerHost: string | null;
}

interface SessionRow extends SessionAttribution {
  id: string;
  lastAt: number;
  startedAt: number;
}

export function newSessionId(): string {
  return `s_${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url")}`;
}

export function isEngaging(type: string, name: string): boolean {
  return type !== "page_view" && !PASSIVE_EVENTS.has(name);
}

export class SessionWriter {
  private latestForVisitor;
  private byId;
  private insert;
  private update;
  private setContact;

  constructor(sqlite: Database) {
    const cols = `id, last_at AS lastAt, started_at AS startedAt, channel, referrer_host AS referrerHost,
      utm_source AS utmSource, utm_medium AS utmMedium, utm_campaign AS utmCampaign, utm_term AS utmTerm,
      utm_content AS utmContent, click_id AS clickId`;
    this.latestForVisitor = sqlite.prepare<SessionRow, [string, string]>(
      `SELECT ${cols} FROM sessions WHERE funnel_id = ? AND anonymous_id = ? ORDER BY last_at DESC LIMIT 1`,
    );
    this.byId = sqlite.prepare<SessionRow, [string, string]>(`SELECT ${cols} FROM sessions WHERE funnel_id = ? AND id = ?`);
    this.insert = sqlite.prepare(
      `INSERT INTO sessions (funnel_id, id, anonymous_id, contact_id, started_at, last_at, entry_path, exit_path,
        pageviews, events, duration_ms, bounce, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term,
        utm_content, click_id, browser, os, device, country, region, city, converted, conversions, revenue)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.update = sqlite.prepare(
      `UPDATE sessions SET
        started_at = min(started_at, $ts),
        entry_path = CASE WHEN $ts < started_at AND $path IS NOT NULL THEN $path ELSE entry_path END,
        exit_path = CASE WHEN $path IS NOT NULL AND $ts >= last_at THEN $path ELSE exit_path END,
        last_at = max(last_at, $ts),
        duration_ms = max(last_at, $ts) - min(started_at, $ts),
        pageviews = pageviews + $pv,
        events = events + 1,
        bounce = CASE WHEN bounce = 1 AND pageviews + $pv <= 1 AND $engaging = 0 THEN 1 ELSE 0 END,
        contact_id = coalesce($contact, contact_id),
        converted = max(converted, $conv),
        conversions = conversions + $conv,
        revenue = CASE WHEN $currency IS NULL THEN revenue
          ELSE json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor) END
       WHERE funnel_id = $funnel AND id = $id`,
    );
    this.setContact = sqlite.prepare(
      "UPDATE sessions SET contact_id = ? WHERE funnel_id = ? AND anonymous_id = ? AND contact_id IS NULL",
    );
  }

  /**
   * The session an event joins: the client's id when sent; otherwise the visitor's
   * latest visit if it was active within 30 minutes and no new campaign lands.
   */
  resolve(funnelId: string, anonymousId: string, clientSessionId: string | undefined, ts: number, a: Attribution): { id: string; existing: SessionRow | null } {
    if (clientSessionId) return { id: clientSessionId, existing: this.byId.get(funnelId, clientSessionId) };
    const last = this.latestForVisitor.get(funnelId, anonymousId);
    const newCampaign = a.utmSource !== null && (a.utmSource !== last?.utmSource || a.utmCampaign !== last?.utmCampaign);
    if (last && ts - last.lastAt <= SESSION_IDLE_MS && ts >= last.startedAt - SESSION_IDLE_MS && !newCampaign) {
      return { id: last.id, existing: last };
    }
    return { id: newSessionId(), existing: null };
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
    return { ...a, channel: en.channel, referrerHost: en.referrerHost };
  }

  fold(p: { funnelId: string; id: string; contactId: number | null; ts: number; type: string; name: string; en: Enriched }): void {
    const isView = p.type === "page_view";
    this.update.run({
      funnel: p.funnelId,
      id: p.id,
      ts: p.ts,
      path: isView ? p.en.path : null,
      pv: isView ? 1 : 0,
      engaging: isEngaging(p.type, p.name) ? 1 : 0,
      contact: p.contactId,
      conv: p.type === "conversion" ? 1 : 0,
      currency: p.en.revenueMinor !== null ? p.en.currency : null,
      minor: p.en.revenueMinor ?? 0,
    });
  }

  linkContact(funnelId: string, anonymousId: string, contactId: number): void {
    this.setContact.run(contactId, funnelId, anonymousId);
  }
}
