// The event plane as the previous layout's wide rows (text ids, strings instead of
// dictionary ids), for tests, one-off checks and anything that wants to see a row the
// way the SDK sent it. Not for hot paths: every column is a lookup.
import { decodePublicIdSql } from "./public-id";
import { PROPS_SQL, STRING_SQL } from "./sql";

/** SELECT … FROM events e with the old column names; append WHERE/ORDER over the same aliases. */
export const WIDE_EVENTS_SQL = `SELECT e.row_id, fk.funnel_id, ${decodePublicIdSql("e.id")} AS id, k.type, k.name, e.ts,
  ${decodePublicIdSql("v.public_id")} AS anonymous_id, ${decodePublicIdSql("coalesce(s.public_id, v.public_id)")} AS session_id,
  e.user_id, e.contact_id, ${STRING_SQL("e.url")} AS url, ${STRING_SQL("e.path")} AS path, ${STRING_SQL("e.title")} AS title,
  ${STRING_SQL("e.referrer")} AS referrer, src.referrer_host, c.screen_w, c.screen_h, c.language, c.timezone, ${PROPS_SQL("e")} AS props,
  e.revenue_minor, e.currency, coalesce(e.verified, 0) AS verified, c.browser, c.browser_version, c.os, c.device,
  p.country, p.region, p.city, src.channel, src.utm_source, src.utm_medium, src.utm_campaign, src.utm_term, src.utm_content,
  e.click_id, e.flags, e.order_id
FROM events e JOIN funnel_keys fk ON fk.key = e.funnel JOIN kinds k ON k.id = e.kind JOIN visitors v ON v.key = e.visitor
  LEFT JOIN sessions s ON s.key = e.session LEFT JOIN clients c ON c.id = e.client LEFT JOIN places p ON p.id = e.place
  LEFT JOIN sources src ON src.id = e.source`;

/** SELECT … FROM sessions s with the old column names (revenue '{}' when none). */
export const WIDE_SESSIONS_SQL = `SELECT fk.funnel_id, ${decodePublicIdSql("s.public_id")} AS id, ${decodePublicIdSql("v.public_id")} AS anonymous_id,
  s.contact_id, s.started_at, s.last_at, ${STRING_SQL("s.entry_path")} AS entry_path, ${STRING_SQL("s.exit_path")} AS exit_path,
  s.pageviews, s.events, s.duration_ms, s.bounce, src.channel, src.referrer_host, src.utm_source, src.utm_medium, src.utm_campaign,
  src.utm_term, src.utm_content, s.click_id, c.browser, c.os, c.device, p.country, p.region, p.city, s.converted, s.conversions,
  coalesce(s.revenue, '{}') AS revenue
FROM sessions s JOIN funnel_keys fk ON fk.key = s.funnel JOIN visitors v ON v.key = s.visitor
  LEFT JOIN clients c ON c.id = s.client LEFT JOIN places p ON p.id = s.place LEFT JOIN sources src ON src.id = s.source`;

/** SELECT … FROM contact_visitors cv with the old column names. */
export const WIDE_CONTACT_VISITORS_SQL = `SELECT fk.funnel_id, ${decodePublicIdSql("v.public_id")} AS anonymous_id, cv.contact_id, cv.linked_at
FROM contact_visitors cv JOIN visitors v ON v.key = cv.visitor JOIN funnel_keys fk ON fk.key = v.funnel`;
