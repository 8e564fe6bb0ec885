// A stored event as a row of ClickHouse's `events` (schema-v1.ts), and the row ids that
// stand in for SQLite's autoincrement.
import type { StoredEvent } from "../../../pipeline/stored-event";

/** Where an event sits in its visit (the columns visits_mv folds). */
export interface VisitPart {
  visitStart: number;
  opensVisit: boolean;
  browsing: boolean;
  engaging: boolean;
  inVisit: boolean;
}

export type EventRow = ReturnType<typeof eventRow>;

export function eventRow(e: StoredEvent, v: VisitPart) {
  return {
    funnel_id: e.funnelId, id: e.id, row_id: e.rowId, type: e.type, name: e.name, ts: e.ts, received_at: e.receivedAt,
    anonymous_id: e.anonymousId, session_id: e.sessionId, visit_start: v.visitStart, opens_visit: v.opensVisit ? 1 : 0,
    browsing: v.browsing ? 1 : 0, engaging: v.engaging ? 1 : 0, in_visit: v.inVisit ? 1 : 0,
    user_id: e.userId, contact_id: e.contactId, url: e.url, path: e.path, title: e.title, referrer: e.referrer,
    referrer_host: e.referrerHost, screen_w: e.screenW, screen_h: e.screenH, language: e.language, timezone: e.timezone,
    props: e.props ? JSON.stringify(e.props) : null, revenue_minor: e.revenueMinor, currency: e.currency,
    verified: e.verified ? 1 : 0, browser: e.browser, browser_version: e.browserVersion, os: e.os, device: e.device,
    country: e.country, region: e.region, city: e.city, channel: e.channel, utm_source: e.utmSource,
    utm_medium: e.utmMedium, utm_campaign: e.utmCampaign, utm_term: e.utmTerm, utm_content: e.utmContent,
    click_id: e.clickId, flags: e.flags, order_id: e.orderId,
  };
}

/**
 * Increasing row ids without a sequence table: milliseconds × 1024 plus a counter, never
 * below the largest id stored (a clock set back). Stays below 2^53 until the year 2248.
 */
export class RowIds {
  private last = -1;

  get ready(): boolean {
    return this.last >= 0;
  }

  start(maxStored: number): void {
    this.last = Math.max(this.last, maxStored);
  }

  next(now = Date.now()): number {
    this.last = Math.max(this.last + 1, now * 1024);
    return this.last;
  }
}
