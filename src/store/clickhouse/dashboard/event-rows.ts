// Events as the dashboard shows them, read from ClickHouse: the SQLite store's columns
// (so one mapping makes the EventView), the contact from the identify mapping when the
// event was written before its visitor identified, and contacts' names from SQLite.
import type { Database } from "bun:sqlite";
import type { EventRowRaw } from "../../sqlite/dashboard/event-list";
import { num, type Sql } from "./query";

/** Columns of events (alias e) as EventRowRaw names them; needs `contactJoin`. */
export const EVENT_COLUMNS = `e.row_id AS row_id, e.id AS id, e.type AS type, e.name AS name, toUnixTimestamp64Milli(e.ts) AS ts,
  e.anonymous_id AS anonymous_id, e.session_id AS session_id, coalesce(e.contact_id, nullIf(vc.contact, 0)) AS contact_id,
  e.user_id AS user_id, e.url AS url, e.path AS path, e.title AS title, e.props AS props, e.revenue_minor AS revenue_minor,
  e.currency AS currency, e.verified AS verified, e.browser AS browser, e.browser_version AS browser_version, e.os AS os,
  e.device AS device, e.country AS country, e.region AS region, e.city AS city, e.channel AS channel, e.referrer AS referrer,
  e.referrer_host AS referrer_host, e.utm_source AS utm_source, e.utm_medium AS utm_medium, e.utm_campaign AS utm_campaign,
  e.utm_term AS utm_term, e.utm_content AS utm_content, e.click_id AS click_id, e.flags AS flags`;

/** The contact each of a funnel's visitors is linked to now (alias vc: anonymous_id, contact), joined to `on` (e: events, s: visits). */
export function contactJoin(sql: Sql, funnelId: string, on = "e"): string {
  return `LEFT JOIN (${linksOf(sql, funnelId)}) AS vc ON vc.anonymous_id = ${on}.anonymous_id`;
}

/** The funnel's visitor → contact links as they are now (columns anonymous_id, contact). */
export function linksOf(sql: Sql, funnelId: string): string {
  return `SELECT anonymous_id, argMax(contact_id, linked_at) AS contact FROM visitor_contacts
    WHERE funnel_id = ${sql.str(funnelId)} GROUP BY anonymous_id`;
}

/** The anonymous ids linked to one contact now. */
export function visitorsOf(sql: Sql, funnelId: string, contactId: number): string {
  return `SELECT anonymous_id FROM (${linksOf(sql, funnelId)}) WHERE contact = ${sql.bind(contactId, "UInt64")}`;
}

/** JSON rows → EventRowRaw (64-bit numbers may arrive as strings). */
export function toRaw(r: Record<string, unknown>): EventRowRaw {
  const raw = r as unknown as EventRowRaw;
  return {
    ...raw,
    row_id: num(r.row_id),
    ts: num(r.ts),
    contact_id: r.contact_id === null ? null : num(r.contact_id),
    revenue_minor: r.revenue_minor === null ? null : num(r.revenue_minor),
    verified: num(r.verified),
  };
}

/** Email and name of contacts (they stay in SQLite). */
export function contactNames(sqlite: Database, ids: (number | null)[]): Map<number, { email: string | null; name: string | null }> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  const out = new Map<number, { email: string | null; name: string | null }>();
  if (!wanted.length) return out;
  const got = sqlite
    .query<{ id: number; email: string | null; name: string | null }, number[]>(`SELECT id, email, name FROM contacts WHERE id IN (${wanted.map(() => "?").join(", ")})`)
    .all(...wanted);
  for (const c of got) out.set(c.id, { email: c.email, name: c.name });
  return out;
}
