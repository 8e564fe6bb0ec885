import type { Database } from "bun:sqlite";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { encodeEventId } from "../event-id";

const COLUMNS = [
  "funnel_id", "id", "type", "name", "ts", "received_at", "anonymous_id", "session_id", "user_id", "contact_id",
  "url", "path", "title", "referrer", "referrer_host", "screen_w", "screen_h", "language", "timezone", "props",
  "revenue_minor", "currency", "verified", "browser", "browser_version", "os", "device", "country", "region", "city",
  "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id", "flags", "order_id",
];

/** INSERT OR IGNORE on (funnel_id, id): a re-sent or re-processed event is written once. */
export class EventRows {
  private insert;

  constructor(sqlite: Database) {
    this.insert = sqlite.prepare(
      `INSERT OR IGNORE INTO events (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
  }

  /** The new row id, or null when the event was already there. */
  write(e: Omit<StoredEvent, "rowId">): number | null {
    const r = this.insert.run(
      e.funnelId, encodeEventId(e.id), e.type, e.name, e.ts, e.receivedAt, e.anonymousId, e.sessionId, e.userId, e.contactId,
      e.url, e.path, e.title, e.referrer, e.referrerHost, e.screenW, e.screenH, e.language, e.timezone,
      e.props ? JSON.stringify(e.props) : null, e.revenueMinor, e.currency, e.verified ? 1 : 0, e.browser,
      e.browserVersion, e.os, e.device, e.country, e.region, e.city, e.channel, e.utmSource, e.utmMedium,
      e.utmCampaign, e.utmTerm, e.utmContent, e.clickId, e.flags, e.orderId,
    );
    return r.changes ? Number(r.lastInsertRowid) : null;
  }
}
