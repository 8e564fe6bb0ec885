// Events newest first, as the read API and the live timeline show them.
import { decodeEventId } from "../event-id";
import type { Database } from "bun:sqlite";
import { fromMinorUnits } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { EventView } from "../../dashboard-views";

export const EVENT_VIEW_COLUMNS = `row_id, id, type, name, ts, anonymous_id, session_id, contact_id, user_id, url, path, title, props,
  revenue_minor, currency, verified, browser, browser_version, os, device, country, region, city, channel, referrer,
  referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, flags`;

export interface EventRowRaw {
  row_id: number; id: string | Uint8Array; type: string; name: string; ts: number; anonymous_id: string; session_id: string;
  contact_id: number | null; user_id: string | null; url: string | null; path: string | null; title: string | null;
  props: string | null; revenue_minor: number | null; currency: string | null; verified: number;
  browser: string | null; browser_version: string | null; os: string | null; device: string | null;
  country: string | null; region: string | null; city: string | null; channel: string | null; referrer: string | null;
  referrer_host: string | null; utm_source: string | null; utm_medium: string | null; utm_campaign: string | null;
  utm_term: string | null; utm_content: string | null; click_id: string | null; flags: string | null;
}

export function toEventView(r: EventRowRaw): EventView {
  return {
    id: decodeEventId(r.id), type: r.type, name: r.name, ts: r.ts, anonymousId: r.anonymous_id, sessionId: r.session_id,
    contactId: r.contact_id, userId: r.user_id, url: r.url, path: r.path, title: r.title,
    props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null,
    revenue: r.revenue_minor !== null && r.currency ? { amount: fromMinorUnits(r.revenue_minor, r.currency), currency: r.currency } : null,
    verified: r.verified === 1, browser: r.browser, browserVersion: r.browser_version, os: r.os, device: r.device,
    country: r.country, region: r.region, city: r.city, channel: r.channel, referrer: r.referrer,
    referrerHost: r.referrer_host, utm_source: r.utm_source, utm_medium: r.utm_medium, utm_campaign: r.utm_campaign,
    utm_term: r.utm_term, utm_content: r.utm_content, clickId: r.click_id, flags: r.flags ? r.flags.split(",") : [],
  };
}

export function listEvents(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { events: EventView[]; next: string | null } {
  const rows = before
    ? sqlite
        .query<EventRowRaw, [string, number, number, number]>(
          `SELECT ${EVENT_VIEW_COLUMNS} FROM events WHERE funnel_id = ? AND (ts < ? OR (ts = ? AND row_id < ?))
           ORDER BY ts DESC, row_id DESC LIMIT ${limit}`,
        )
        .all(funnelId, before.ts, before.ts, typeof before.tie === "number" ? before.tie : 0)
    : sqlite
        .query<EventRowRaw, [string]>(`SELECT ${EVENT_VIEW_COLUMNS} FROM events WHERE funnel_id = ? ORDER BY ts DESC, row_id DESC LIMIT ${limit}`)
        .all(funnelId);
  const last = rows.at(-1);
  return { events: rows.map(toEventView), next: rows.length === limit && last ? formatCursor(last.ts, last.row_id) : null };
}
