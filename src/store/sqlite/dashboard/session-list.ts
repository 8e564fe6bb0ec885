// Sessions newest first, for the read API.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { SessionView } from "../../dashboard-views";

interface Raw {
  id: string; anonymous_id: string; contact_id: number | null; started_at: number; last_at: number; duration_ms: number;
  entry_path: string | null; exit_path: string | null; pageviews: number; events: number; bounce: number;
  channel: string | null; referrer_host: string | null; utm_source: string | null; utm_medium: string | null;
  utm_campaign: string | null; utm_term: string | null; utm_content: string | null; click_id: string | null;
  browser: string | null; os: string | null; device: string | null; country: string | null; region: string | null;
  city: string | null; converted: number; conversions: number; revenue: string;
}

export function toSessionView(r: Raw): SessionView {
  return {
    id: r.id, anonymousId: r.anonymous_id, contactId: r.contact_id, startedAt: r.started_at, lastAt: r.last_at,
    durationSeconds: Math.round(r.duration_ms / 1000), entryPath: r.entry_path, exitPath: r.exit_path,
    pageviews: r.pageviews, events: r.events, bounce: r.bounce === 1, channel: r.channel, referrerHost: r.referrer_host,
    utm_source: r.utm_source, utm_medium: r.utm_medium, utm_campaign: r.utm_campaign, utm_term: r.utm_term,
    utm_content: r.utm_content, clickId: r.click_id, browser: r.browser, os: r.os, device: r.device,
    country: r.country, region: r.region, city: r.city, converted: r.converted === 1, conversions: r.conversions,
    revenue: revenueMapToMajor(r.revenue),
  };
}

export function listSessions(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { sessions: SessionView[]; next: string | null } {
  const cols = "*";
  const rows = before
    ? sqlite
        .query<Raw, [string, number, number, string]>(
          `SELECT ${cols} FROM sessions WHERE funnel_id = ? AND (started_at < ? OR (started_at = ? AND id < ?))
           ORDER BY started_at DESC, id DESC LIMIT ${limit}`,
        )
        .all(funnelId, before.ts, before.ts, String(before.tie))
    : sqlite
        .query<Raw, [string]>(`SELECT ${cols} FROM sessions WHERE funnel_id = ? ORDER BY started_at DESC, id DESC LIMIT ${limit}`)
        .all(funnelId);
  const last = rows.at(-1);
  return { sessions: rows.map(toSessionView), next: rows.length === limit && last ? formatCursor(last.started_at, last.id) : null };
}
