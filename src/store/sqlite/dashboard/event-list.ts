// Events newest first, as the read API and the live timeline show them. In the compact
// layout an event row holds ids: its view columns look each one up (one primary-key
// seek per column and row, only for the rows shown) and public ids are decoded.
import type { Database } from "bun:sqlite";
import { fromMinorUnits } from "../../../pipeline/money";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { EventView } from "../../dashboard-views";
import { decodePublicId, funnelKey, NO_VISIT, PROPS_SQL } from "../layout";

/** The columns of an event's view, over the events row `e` (its table name or alias). */
export function eventViewColumns(e: string): string {
  const str = (col: string) => `(SELECT value FROM strings WHERE id = ${e}.${col}) AS ${col}`;
  const dict = (table: string, id: string, cols: string[]) => cols.map((c) => `(SELECT ${c} FROM ${table} WHERE id = ${e}.${id}) AS ${c}`);
  return [
    `${e}.row_id AS row_id`, `${e}.id AS id`,
    `(SELECT type FROM kinds WHERE id = ${e}.kind) AS type`, `(SELECT name FROM kinds WHERE id = ${e}.kind) AS name`,
    `${e}.ts AS ts`, `${e}.session AS session_key`,
    `(SELECT public_id FROM visitors WHERE key = ${e}.visitor) AS anonymous_id`,
    // A payment that found no visit has its visitor's id as its visit id.
    `CASE WHEN ${e}.session = ${NO_VISIT} THEN (SELECT public_id FROM visitors WHERE key = ${e}.visitor)
      ELSE (SELECT public_id FROM sessions WHERE key = ${e}.session) END AS session_id`,
    `${e}.contact_id AS contact_id`, `${e}.user_id AS user_id`, str("url"), str("path"), str("title"), `${PROPS_SQL(e)} AS props`,
    `${e}.revenue_minor AS revenue_minor`, `${e}.currency AS currency`, `${e}.verified AS verified`,
    ...dict("clients", "client", ["browser", "browser_version", "os", "device"]),
    ...dict("places", "place", ["country", "region", "city"]),
    `(SELECT channel FROM sources WHERE id = ${e}.source) AS channel`, str("referrer"),
    ...dict("sources", "source", ["referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]),
    `${e}.click_id AS click_id`, `${e}.flags AS flags`,
  ].join(", ");
}

/**
 * The same columns over `e` joined with its dictionaries (eventViewJoins): one seek per
 * dictionary and row instead of one per column, for reads of many rows.
 */
export function eventViewJoinedColumns(e: string): string {
  return [
    `${e}.row_id AS row_id`, `${e}.id AS id`, `${e}_k.type AS type`, `${e}_k.name AS name`, `${e}.ts AS ts`, `${e}.session AS session_key`,
    `${e}_v.public_id AS anonymous_id`,
    // A payment that found no visit has its visitor's id as its visit id.
    `CASE WHEN ${e}.session = ${NO_VISIT} THEN ${e}_v.public_id ELSE ${e}_s.public_id END AS session_id`, `${e}.contact_id AS contact_id`, `${e}.user_id AS user_id`,
    `${e}_u.value AS url`, `${e}_p.value AS path`, `${e}_t.value AS title`, `${PROPS_SQL(e)} AS props`,
    `${e}.revenue_minor AS revenue_minor`, `${e}.currency AS currency`, `${e}.verified AS verified`,
    ...["browser", "browser_version", "os", "device"].map((c) => `${e}_c.${c} AS ${c}`),
    ...["country", "region", "city"].map((c) => `${e}_pl.${c} AS ${c}`),
    `${e}_so.channel AS channel`, `${e}_r.value AS referrer`,
    ...["referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].map((c) => `${e}_so.${c} AS ${c}`),
    `${e}.click_id AS click_id`, `${e}.flags AS flags`,
  ].join(", ");
}

/** The dictionaries eventViewJoinedColumns reads, joined to `e` by primary key (after `FROM events e`). */
export function eventViewJoins(e: string): string {
  const join = (table: string, alias: string, key: string, col: string) => `LEFT JOIN ${table} ${e}_${alias} ON ${e}_${alias}.${key} = ${e}.${col}`;
  return [
    join("kinds", "k", "id", "kind"), join("visitors", "v", "key", "visitor"), join("sessions", "s", "key", "session"),
    join("strings", "u", "id", "url"), join("strings", "p", "id", "path"), join("strings", "t", "id", "title"), join("strings", "r", "id", "referrer"),
    join("clients", "c", "id", "client"), join("places", "pl", "id", "place"), join("sources", "so", "id", "source"),
  ].join(" ");
}

/** The view columns for `FROM events` without an alias. */
export const EVENT_VIEW_COLUMNS = eventViewColumns("events");

export interface EventRowRaw {
  row_id: number; id: string | Uint8Array; type: string; name: string; ts: number; session_key: number;
  anonymous_id: string | Uint8Array; session_id: string | Uint8Array;
  contact_id: number | null; user_id: string | null; url: string | null; path: string | null; title: string | null;
  props: string | null; revenue_minor: number | null; currency: string | null; verified: number | null;
  browser: string | null; browser_version: string | null; os: string | null; device: string | null;
  country: string | null; region: string | null; city: string | null; channel: string | null; referrer: string | null;
  referrer_host: string | null; utm_source: string | null; utm_medium: string | null; utm_campaign: string | null;
  utm_term: string | null; utm_content: string | null; click_id: string | null; flags: string | null;
}

export function toEventView(r: EventRowRaw): EventView {
  return {
    id: decodePublicId(r.id), type: r.type, name: r.name, ts: r.ts, anonymousId: decodePublicId(r.anonymous_id),
    sessionId: decodePublicId(r.session_id), contactId: r.contact_id, userId: r.user_id, url: r.url, path: r.path, title: r.title,
    props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null,
    revenue: r.revenue_minor !== null && r.currency ? { amount: fromMinorUnits(r.revenue_minor, r.currency), currency: r.currency } : null,
    verified: r.verified === 1, browser: r.browser, browserVersion: r.browser_version, os: r.os, device: r.device,
    country: r.country, region: r.region, city: r.city, channel: r.channel, referrer: r.referrer,
    referrerHost: r.referrer_host, utm_source: r.utm_source, utm_medium: r.utm_medium, utm_campaign: r.utm_campaign,
    utm_term: r.utm_term, utm_content: r.utm_content, clickId: r.click_id, flags: r.flags ? r.flags.split(",") : [],
  };
}

export function listEvents(sqlite: Database, funnelId: string, limit: number, before: Cursor | null): { events: EventView[]; next: string | null } {
  const key = funnelKey(sqlite, funnelId);
  const rows = before
    ? sqlite
        .query<EventRowRaw, [number | null, number, number, number]>(
          `SELECT ${eventViewJoinedColumns("e")} FROM events e ${eventViewJoins("e")} WHERE e.funnel = ? AND (e.ts < ? OR (e.ts = ? AND e.row_id < ?))
           ORDER BY e.ts DESC, e.row_id DESC LIMIT ${limit}`,
        )
        .all(key, before.ts, before.ts, typeof before.tie === "number" ? before.tie : 0)
    : sqlite
        .query<EventRowRaw, [number | null]>(
          `SELECT ${eventViewJoinedColumns("e")} FROM events e ${eventViewJoins("e")} WHERE e.funnel = ? ORDER BY e.ts DESC, e.row_id DESC LIMIT ${limit}`,
        )
        .all(key);
  const last = rows.at(-1);
  return { events: rows.map(toEventView), next: rows.length === limit && last ? formatCursor(last.ts, last.row_id) : null };
}
