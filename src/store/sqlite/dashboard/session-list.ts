// Sessions newest first, for the read API. In the compact layout a visit row holds
// dictionary ids: its view columns look them up per row shown, public ids decoded.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { SessionView } from "../../dashboard-views";
import { decodePublicId, decodePublicIdSql, funnelKey } from "../layout";

/** The columns of a visit's view, over the sessions row `s` joined with its dictionaries (sessionViewJoins). */
export function sessionViewColumns(s: string): string {
  return [
    `${s}.key AS key`, `${s}.public_id AS id`, `${s}_v.public_id AS anonymous_id`,
    `${s}.contact_id AS contact_id`, `${s}.started_at AS started_at`, `${s}.last_at AS last_at`, `${s}.duration_ms AS duration_ms`,
    `${s}_en.value AS entry_path`, `${s}_ex.value AS exit_path`, `${s}.pageviews AS pageviews`, `${s}.events AS events`, `${s}.bounce AS bounce`,
    ...["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].map((c) => `${s}_so.${c} AS ${c}`),
    `${s}.click_id AS click_id`, ...["browser", "os", "device"].map((c) => `${s}_c.${c} AS ${c}`),
    ...["country", "region", "city"].map((c) => `${s}_pl.${c} AS ${c}`),
    `${s}.converted AS converted`, `${s}.conversions AS conversions`, `${s}.revenue AS revenue`,
  ].join(", ");
}

/** The dictionaries sessionViewColumns reads, joined to `s` by primary key (after `FROM sessions s`). */
export function sessionViewJoins(s: string): string {
  const join = (table: string, alias: string, key: string, col: string) => `LEFT JOIN ${table} ${s}_${alias} ON ${s}_${alias}.${key} = ${s}.${col}`;
  return [
    join("visitors", "v", "key", "visitor"), join("strings", "en", "id", "entry_path"), join("strings", "ex", "id", "exit_path"),
    join("sources", "so", "id", "source"), join("clients", "c", "id", "client"), join("places", "pl", "id", "place"),
  ].join(" ");
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
  const cols = sessionViewColumns("s");
  const order = `ORDER BY s.started_at DESC, ${decodePublicIdSql("s.public_id")} DESC LIMIT ${limit}`;
  const rows = before
    ? sqlite
        .query<SessionRaw, [number | null, number, number, string]>(
          `SELECT ${cols} FROM sessions s ${sessionViewJoins("s")} WHERE s.funnel = ? AND (s.started_at < ? OR (s.started_at = ? AND ${decodePublicIdSql("s.public_id")} < ?)) ${order}`,
        )
        .all(key, before.ts, before.ts, String(before.tie))
    : sqlite.query<SessionRaw, [number | null]>(`SELECT ${cols} FROM sessions s ${sessionViewJoins("s")} WHERE s.funnel = ? ${order}`).all(key);
  const views = rows.map(toSessionView);
  const last = views.at(-1);
  return { sessions: views, next: rows.length === limit && last ? formatCursor(last.startedAt, last.id) : null };
}
