// The event plane's rows as text, read from either layout: the legacy tables of a
// database written before the compact layout, or the compact tables with every key and
// dictionary id resolved. The upgrade tests compare the two (a conversion keeps every
// value) and two conversions with each other (a crash changes nothing).
import type { Database } from "bun:sqlite";
import { decodePublicIdSql as text } from "../../src/store/sqlite/layout/public-id";

const EVENT_COLUMNS = `row_id, funnel_id, id, type, name, ts, anonymous_id, session_id, user_id, contact_id, url, path, title, referrer,
  referrer_host, screen_w, screen_h, language, timezone, props, revenue_minor, currency, verified, browser, browser_version, os, device,
  country, region, city, channel, utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, flags, order_id`;

const SESSION_COLUMNS = `funnel_id, id, anonymous_id, contact_id, started_at, last_at, entry_path, exit_path, pageviews, events, duration_ms,
  bounce, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content, click_id, browser, os, device, country, region,
  city, converted, conversions, revenue`;

const JOURNEY_COLUMNS = "funnel_id, day, type, name, path, ts, row_id, has_path, contact_id, anonymous_id, revenue_minor, currency";

export interface Rows {
  events: unknown[];
  sessions: unknown[];
  journey: unknown[];
  contactVisitors: unknown[];
}

/** From the tables a release before the compact layout wrote (ids as text, whatever they were stored as). */
export function legacyRows(db: Database): Rows {
  const events = EVENT_COLUMNS.replace("row_id, funnel_id, id,", `row_id, funnel_id, ${text("id")} AS id,`).replace("verified,", "verified + 0 AS verified,");
  return {
    events: db.query(`SELECT ${events} FROM events ORDER BY row_id`).all(),
    sessions: db.query(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY funnel_id, id`).all(),
    journey: db.query(`SELECT ${JOURNEY_COLUMNS} FROM journey_events ORDER BY funnel_id, day, row_id`).all(),
    contactVisitors: db.query("SELECT funnel_id, anonymous_id, contact_id, linked_at FROM contact_visitors ORDER BY funnel_id, anonymous_id").all(),
  };
}

const str = (id: string) => `(SELECT value FROM strings WHERE id = ${id})`;

/** From the compact tables, every id resolved, in the legacy shape. */
export function compactRows(db: Database): Rows {
  const events = db
    .query(
      `SELECT e.row_id, f.funnel_id, ${text("e.id")} AS id, k.type, k.name, e.ts, ${text("v.public_id")} AS anonymous_id,
        CASE WHEN e.session = 0 THEN ${text("v.public_id")} ELSE ${text("s.public_id")} END AS session_id, e.user_id, e.contact_id,
        ${str("e.url")} AS url, ${str("e.path")} AS path, ${str("e.title")} AS title, ${str("e.referrer")} AS referrer, src.referrer_host,
        c.screen_w, c.screen_h, c.language, c.timezone, CASE WHEN typeof(e.props) = 'integer' THEN ${str("e.props")} ELSE e.props END AS props,
        e.revenue_minor, e.currency, coalesce(e.verified, 0) AS verified, c.browser, c.browser_version, c.os, c.device, p.country, p.region, p.city,
        src.channel, src.utm_source, src.utm_medium, src.utm_campaign, src.utm_term, src.utm_content, e.click_id, e.flags, e.order_id
      FROM events e JOIN funnel_keys f ON f.key = e.funnel JOIN kinds k ON k.id = e.kind JOIN visitors v ON v.key = e.visitor
        LEFT JOIN sessions s ON s.key = e.session JOIN clients c ON c.id = e.client JOIN places p ON p.id = e.place JOIN sources src ON src.id = e.source
      ORDER BY e.row_id`,
    )
    .all();
  const sessions = db
    .query(
      `SELECT f.funnel_id, ${text("s.public_id")} AS id, ${text("v.public_id")} AS anonymous_id, s.contact_id, s.started_at, s.last_at,
        ${str("s.entry_path")} AS entry_path, ${str("s.exit_path")} AS exit_path, s.pageviews, s.events, s.duration_ms, s.bounce,
        src.channel, src.referrer_host, src.utm_source, src.utm_medium, src.utm_campaign, src.utm_term, src.utm_content, s.click_id,
        c.browser, c.os, c.device, p.country, p.region, p.city, s.converted, s.conversions, coalesce(s.revenue, '{}') AS revenue
      FROM sessions s JOIN funnel_keys f ON f.key = s.funnel JOIN visitors v ON v.key = s.visitor
        JOIN clients c ON c.id = s.client JOIN places p ON p.id = s.place JOIN sources src ON src.id = s.source
      ORDER BY f.funnel_id, id`,
    )
    .all();
  const journey = db
    .query(
      `SELECT f.funnel_id, j.day, k.type, k.name, CASE WHEN j.path = 0 THEN '' ELSE ${str("j.path")} END AS path, j.ts, j.row_id, j.has_path,
        j.contact_id, ${text("v.public_id")} AS anonymous_id, j.revenue_minor, j.currency
      FROM journey_events j JOIN funnel_keys f ON f.key = j.funnel JOIN kinds k ON k.id = j.kind JOIN visitors v ON v.key = j.visitor
      ORDER BY f.funnel_id, j.day, j.row_id`,
    )
    .all();
  const contactVisitors = db
    .query(
      `SELECT f.funnel_id, ${text("v.public_id")} AS anonymous_id, c.contact_id, c.linked_at
      FROM contact_visitors c JOIN visitors v ON v.key = c.visitor JOIN funnel_keys f ON f.key = v.funnel
      ORDER BY f.funnel_id, anonymous_id`,
    )
    .all();
  return { events, sessions, journey, contactVisitors };
}
