// Sessions newest first, for the read API. In the compact layout a visit row holds
// dictionary ids: its view columns look them up per row shown, public ids decoded.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { SessionView } from "../../dashboard-views";
import { decodePublicId, funnelKey } from "../layout";

/**
 * A stored public id as the text it was sent (see decodePublicId): lists order visits
 * with the same start by their public id, exactly as when ids were stored as text.
 */
export const decodedIdSql = (col: string): string =>
  `CASE WHEN typeof(${col}) = 'blob' THEN lower(substr(hex(${col}), 1, 8) || '-' || substr(hex(${col}), 9, 4) || '-' ||
    substr(hex(${col}), 13, 4) || '-' || substr(hex(${col}), 17, 4) || '-' || substr(hex(${col}), 21)) ELSE ${col} END`;

/** The columns of a visit's view, over the sessions row `s` (its table name or alias). */
export function sessionViewColumns(s: string): string {
  const dict = (table: string, id: string, cols: string[]) => cols.map((c) => `(SELECT ${c} FROM ${table} WHERE id = ${s}.${id}) AS ${c}`);
  return [
    `${s}.key AS key`, `${s}.public_id AS id`, `(SELECT public_id FROM visitors WHERE key = ${s}.visitor) AS anonymous_id`,
    `${s}.contact_id AS contact_id`, `${s}.started_at AS started_at`, `${s}.last_at AS last_at`, `${s}.duration_ms AS duration_ms`,
    `(SELECT value FROM strings WHERE id = ${s}.entry_path) AS entry_path`, `(SELECT value FROM strings WHERE id = ${s}.exit_path) AS exit_path`,
    `${s}.pageviews AS pageviews`, `${s}.events AS events`, `${s}.bounce AS bounce`,
    ...dict("sources", "source", ["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]),
    `${s}.click_id AS click_id`, ...dict("clients", "client", ["browser", "os", "device"]), ...dict("places", "place", ["country", "region", "city"]),
    `${s}.converted AS converted`, `${s}.conversions AS conversions`, `${s}.revenue AS revenue`,
  ].join(", ");
}

export interface SessionRaw {
  key: number; id: string | Uint8Array; anonymous_id: string | Uint8Array; contact_id: number | null; started_at: number; last_at: number;
  duration_ms: number; entry_path: string | null; exit_path: string | null; pageviews: number; events: number; bounce: number;
  channel: string | null; referrer_host: string | null; utm_source: string | null; utm_medium: string | null;
  utm_campaign: string | null; utm_term: string | null; utm_content: string | null; click_id: string | null;
  browser: string | null; os: string | null; device: string | null; country: string | null; region: string | null;
  city: string | null; converted: number; conversions: number; revenue: string | null;
}

export function toSessionView(r: SessionRaw): SessionView {
  return {
    id: decodePublicId(r.id), anonymousId: decodePublicId(r.anonymous_id), contactId: r.contact_id, startedAt: r.started_at, lastAt: r.last_at,
    durationSeconds: Math.round(r.duration_ms / 1000), entryPath: r.entry_path, exitPath: r.exit_path,
    pageviews: r.pageviews, events: r.events, bounce: r.bounce === 1, channel: r.channel, referrerHost: r.referrer_host,
    utm_source: r.utm_source, utm_medium: r.utm_medium, utm_campaign: r.utm_campaign, utm_term: r.utm_term,
    utm_content: r.utm_content, clickId: r.click_id, browser: r.browser, os: r.os, device: r.device,
    country: r.country, region: r.region, city: r.city, converted: r.converted === 1, conversions: r.conversions,
    revenue: revenueMapToMajor(r.revenue ?? "{}"),
  };
}

export function listSessions(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { sessions: SessionView[]; next: string | null } {
  const key = funnelKey(sqlite, funnelId);
  const cols = sessionViewColumns("sessions");
  const order = `ORDER BY started_at DESC, ${decodedIdSql("public_id")} DESC LIMIT ${limit}`;
  const rows = before
    ? sqlite
        .query<SessionRaw, [number | null, number, number, string]>(
          `SELECT ${cols} FROM sessions WHERE funnel = ? AND (started_at < ? OR (started_at = ? AND ${decodedIdSql("public_id")} < ?)) ${order}`,
        )
        .all(key, before.ts, before.ts, String(before.tie))
    : sqlite.query<SessionRaw, [number | null]>(`SELECT ${cols} FROM sessions WHERE funnel = ? ${order}`).all(key);
  const views = rows.map(toSessionView);
  const last = views.at(-1);
  return { sessions: views, next: rows.length === limit && last ? formatCursor(last.startedAt, last.id) : null };
}
