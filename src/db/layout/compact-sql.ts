// The statements of the compact-layout step (./compact-layout.ts): each reads one range
// of a legacy_* table (?1 < row id <= ?2), first adds what the range needs to the
// dictionaries (funnel keys, strings, kinds, clients, places, sources, visitors), then
// copies its rows with every value looked up as the integer id the writer would have
// used. All of a range's statements run in one transaction, with the step's cursor.
import { SHORT_PROPS_BYTES } from "../../store/sqlite/layout/dictionaries";
import { encodePublicIdSql } from "../../store/sqlite/layout/public-id";
import { NO_VISIT } from "../../store/sqlite/layout/sql";

/** A public id as the writer stores it: a text lowercase UUID as its 16 bytes (ids already 16 bytes stay). */
export const encodedId = (col: string) => `CASE WHEN typeof(${col}) = 'text' THEN ${encodePublicIdSql(col)} ELSE ${col} END`;

const CLIENT = ["browser", "browser_version", "os", "device", "screen_w", "screen_h", "language", "timezone"];
const PLACE = ["country", "region", "city"];
const SOURCE = ["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

/** The dictionaries whose rows are a combination of nullable columns, found with IS. */
export const COMBINATIONS = { clients: CLIENT, places: PLACE, sources: SOURCE } as const;
type Combination = keyof typeof COMBINATIONS;

const same = (dict: Combination, d: string, r: string, cols: readonly string[] = COMBINATIONS[dict]) =>
  cols.map((c) => `${d}.${c} IS ${r}.${c}`).join(" AND ");

/** The id of row r's combination (the writer gives every row one, all-NULL combinations included). */
export function combinationId(dict: Combination, r: string, cols: readonly string[] = COMBINATIONS[dict]): string {
  const pick = (c: string) => (cols.includes(c) ? `${r}.${c}` : "NULL");
  return `(SELECT d.id FROM ${dict} d WHERE ${COMBINATIONS[dict].map((c) => `d.${c} IS ${pick(c)}`).join(" AND ")} LIMIT 1)`;
}

/** Adds the combinations of a range's rows that the dictionary lacks (cols: the ones the table has; the others are NULL). */
export function addCombinations(dict: Combination, from: string, where: string, cols: readonly string[] = COMBINATIONS[dict]): string {
  const all = COMBINATIONS[dict];
  const picked = all.map((c) => (cols.includes(c) ? `r.${c}` : `NULL AS ${c}`));
  return `INSERT INTO ${dict} (${all.join(", ")})
    SELECT DISTINCT ${picked.join(", ")} FROM ${from} r
    WHERE ${where} AND NOT EXISTS (SELECT 1 FROM ${dict} d WHERE ${all.map((c) => (cols.includes(c) ? `d.${c} IS r.${c}` : `d.${c} IS NULL`)).join(" AND ")})`;
}

const stringId = (expr: string) => `(SELECT id FROM strings WHERE value = ${expr})`;
const propsFitString = (col: string) => `length(CAST(${col} AS BLOB)) <= ${SHORT_PROPS_BYTES}`;
const inRange = (alias: string, id: string) => `${alias}.${id} > ?1 AND ${alias}.${id} <= ?2`;

const addFunnelKeys = (table: string, id: string) =>
  `INSERT OR IGNORE INTO funnel_keys (funnel_id) SELECT DISTINCT r.funnel_id FROM ${table} r WHERE ${inRange("r", id)}`;
const addVisitors = (table: string, id: string) =>
  `INSERT OR IGNORE INTO visitors (funnel, public_id)
    SELECT DISTINCT f.key, ${encodedId("r.anonymous_id")} FROM ${table} r JOIN funnel_keys f ON f.funnel_id = r.funnel_id WHERE ${inRange("r", id)}`;
const addStrings = (table: string, id: string, cols: string[]) =>
  cols.map((c) => `INSERT OR IGNORE INTO strings (value) SELECT DISTINCT r.${c} FROM ${table} r WHERE ${inRange("r", id)} AND r.${c} IS NOT NULL`);

/** legacy_sessions → sessions, key = the legacy row id (so later phases find a visit's old row by its key); client is set after the events. */
export const SESSION_RANGE: string[] = [
  addFunnelKeys("legacy_sessions", "rowid"),
  addVisitors("legacy_sessions", "rowid"),
  ...addStrings("legacy_sessions", "rowid", ["entry_path", "exit_path"]),
  addCombinations("sources", "legacy_sessions", inRange("r", "rowid")),
  addCombinations("places", "legacy_sessions", inRange("r", "rowid")),
  `INSERT INTO sessions (key, funnel, public_id, visitor, contact_id, started_at, last_at, entry_path, exit_path, pageviews, events,
      duration_ms, bounce, source, client, place, click_id, converted, conversions, revenue)
    SELECT r.rowid, f.key, ${encodedId("r.id")}, (SELECT v.key FROM visitors v WHERE v.funnel = f.key AND v.public_id = ${encodedId("r.anonymous_id")}),
      r.contact_id, r.started_at, r.last_at, ${stringId("r.entry_path")}, ${stringId("r.exit_path")}, r.pageviews, r.events,
      r.duration_ms, r.bounce, ${combinationId("sources", "r")}, NULL, ${combinationId("places", "r")}, r.click_id, r.converted, r.conversions,
      nullif(r.revenue, '{}')
    FROM legacy_sessions r JOIN funnel_keys f ON f.funnel_id = r.funnel_id WHERE ${inRange("r", "rowid")}`,
];

/**
 * legacy_events → events, row ids kept. An event without a sessions row (a payment that
 * found no visit: its session id is its visitor id, nv:provider:order) gets NO_VISIT.
 */
export const EVENT_RANGE: string[] = [
  addFunnelKeys("legacy_events", "row_id"),
  addVisitors("legacy_events", "row_id"),
  `INSERT OR IGNORE INTO kinds (type, name) SELECT DISTINCT r.type, r.name FROM legacy_events r WHERE ${inRange("r", "row_id")}`,
  ...addStrings("legacy_events", "row_id", ["path", "url", "title", "referrer"]),
  `INSERT OR IGNORE INTO strings (value) SELECT DISTINCT r.props FROM legacy_events r WHERE ${inRange("r", "row_id")} AND ${propsFitString("r.props")}`,
  addCombinations("clients", "legacy_events", inRange("r", "row_id")),
  addCombinations("places", "legacy_events", inRange("r", "row_id")),
  addCombinations("sources", "legacy_events", inRange("r", "row_id")),
  `INSERT INTO events (row_id, funnel, id, kind, ts, visitor, session, path, url, title, referrer, client, place, source, props,
      contact_id, user_id, revenue_minor, currency, verified, click_id, flags, order_id)
    SELECT r.row_id, f.key, ${encodedId("r.id")}, (SELECT k.id FROM kinds k WHERE k.type = r.type AND k.name = r.name), r.ts,
      (SELECT v.key FROM visitors v WHERE v.funnel = f.key AND v.public_id = ${encodedId("r.anonymous_id")}),
      coalesce((SELECT s.key FROM sessions s WHERE s.funnel = f.key AND s.public_id = ${encodedId("r.session_id")}), ${NO_VISIT}),
      ${stringId("r.path")}, ${stringId("r.url")}, ${stringId("r.title")}, ${stringId("r.referrer")},
      ${combinationId("clients", "r")}, ${combinationId("places", "r")}, ${combinationId("sources", "r")},
      CASE WHEN ${propsFitString("r.props")} THEN ${stringId("r.props")} ELSE r.props END,
      r.contact_id, r.user_id, r.revenue_minor, r.currency, nullif(r.verified, 0), r.click_id, r.flags, r.order_id
    FROM legacy_events r JOIN funnel_keys f ON f.funnel_id = r.funnel_id WHERE ${inRange("r", "row_id")}`,
];

/**
 * A visit's client is its first event's (what the writer stores), when that event's
 * browser, OS and device are the visit's; otherwise the visit's own three values, so a
 * converted visit reads exactly as before.
 */
const VISIT_CLIENT = ["browser", "os", "device"];
const FIRST_EVENT_CLIENT = `(SELECT c.id FROM events e JOIN clients c ON c.id = e.client
  WHERE e.funnel = s.funnel AND e.session = s.key AND ${same("clients", "c", "l", VISIT_CLIENT)}
  ORDER BY e.row_id LIMIT 1)`;
export const SESSION_CLIENT_RANGE: string[] = [
  `UPDATE sessions AS s SET client = (SELECT ${FIRST_EVENT_CLIENT} FROM legacy_sessions l WHERE l.rowid = s.key) WHERE ${inRange("s", "key")}`,
  addCombinations("clients", "legacy_sessions", `${inRange("r", "rowid")} AND (SELECT client FROM sessions WHERE key = r.rowid) IS NULL`, VISIT_CLIENT),
  `UPDATE sessions AS s SET client = (SELECT ${combinationId("clients", "l", VISIT_CLIENT)} FROM legacy_sessions l WHERE l.rowid = s.key)
    WHERE ${inRange("s", "key")} AND s.client IS NULL`,
];

/** legacy_journey_events of one funnel and day → journey_events, through the converted events of the same row ids. */
export const JOURNEY_DAY = `INSERT INTO journey_events (funnel, day, kind, path, ts, row_id, has_path, visitor, contact_id, revenue_minor, currency)
  SELECT e.funnel, j.day, e.kind, CASE WHEN j.type = 'page_view' THEN coalesce(e.path, 0) ELSE 0 END, j.ts, j.row_id, j.has_path, e.visitor,
    j.contact_id, j.revenue_minor, j.currency
  FROM legacy_journey_events j JOIN events e ON e.row_id = j.row_id WHERE j.funnel_id = ?1 AND j.day = ?2`;
export const NEXT_JOURNEY_DAY = "SELECT funnel_id AS funnelId, day FROM legacy_journey_events WHERE (funnel_id, day) > (?1, ?2) ORDER BY funnel_id, day LIMIT 1";

/** legacy_contact_visitors → contact_visitors (the visitor's key holds the funnel). */
export const CONTACT_VISITOR_RANGE: string[] = [
  addFunnelKeys("legacy_contact_visitors", "rowid"),
  addVisitors("legacy_contact_visitors", "rowid"),
  `INSERT INTO contact_visitors (visitor, contact_id, linked_at)
    SELECT v.key, r.contact_id, r.linked_at FROM legacy_contact_visitors r JOIN funnel_keys f ON f.funnel_id = r.funnel_id
      JOIN visitors v ON v.funnel = f.key AND v.public_id = ${encodedId("r.anonymous_id")}
    WHERE ${inRange("r", "rowid")}`,
];
