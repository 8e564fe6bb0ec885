// The ClickHouse event plane, version 1 (../../../docs/clickhouse.md explains each choice).
// Statements are idempotent (IF NOT EXISTS), so a migration interrupted half-way is
// simply run again. Column names follow the SQLite tables, so a read ports clause by clause.
//
// - events: one row per stored event, written once (the writer asks event_ids first, and
//   every insert carries a deduplication token for a retried block).
// - event_ids: the same events keyed by (funnel, id): the writer's exactly-once lookup.
// - visits: one row per visit, folded by ClickHouse from the events (AggregatingMergeTree
//   fed by a materialized view) instead of updated in place.
// - visitor_contacts: which contact an anonymous id belongs to (identify), joined at read
//   time instead of rewriting earlier events.

const TS = "DateTime64(3, 'UTC')";
const LC = "LowCardinality(Nullable(String))";

export const EVENTS = `CREATE TABLE IF NOT EXISTS events (
  funnel_id LowCardinality(String),
  id String,
  row_id UInt64,
  type LowCardinality(String),
  name LowCardinality(String),
  ts ${TS},
  received_at ${TS},
  anonymous_id String,
  session_id String,
  visit_start ${TS} COMMENT 'time of the event that opened the visit: with session_id, the visit''s key in visits',
  opens_visit UInt8 COMMENT '1 on the event that opened its visit',
  browsing UInt8 COMMENT '1 when the event may stretch its visit (session-rules.ts isBrowsing)',
  engaging UInt8 COMMENT '1 when the event stops its visit from bouncing (session-rules.ts isEngaging)',
  in_visit UInt8 COMMENT '1 when the event counts in its visit (0: refunds, payments that count nowhere, payments with no visit)',
  user_id Nullable(String),
  contact_id Nullable(UInt64) COMMENT 'the contact when written; later identifies are in visitor_contacts',
  url Nullable(String),
  path Nullable(String),
  title Nullable(String),
  referrer Nullable(String),
  referrer_host Nullable(String),
  screen_w Nullable(UInt16),
  screen_h Nullable(UInt16),
  language ${LC},
  timezone ${LC},
  props Nullable(String) COMMENT 'JSON object, as in SQLite',
  revenue_minor Nullable(Int64),
  currency ${LC},
  verified UInt8,
  browser ${LC},
  browser_version ${LC},
  os ${LC},
  device ${LC},
  country ${LC},
  region ${LC},
  city ${LC},
  channel ${LC},
  utm_source Nullable(String),
  utm_medium Nullable(String),
  utm_campaign Nullable(String),
  utm_term Nullable(String),
  utm_content Nullable(String),
  click_id Nullable(String),
  flags ${LC},
  order_id Nullable(String),
  INDEX events_session session_id TYPE bloom_filter(0.01) GRANULARITY 2,
  INDEX events_visitor anonymous_id TYPE bloom_filter(0.01) GRANULARITY 2,
  INDEX events_order order_id TYPE bloom_filter(0.01) GRANULARITY 2
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (funnel_id, toDate(ts), type, name, anonymous_id, ts)
SETTINGS non_replicated_deduplication_window = 10000`;

export const EVENT_IDS = `CREATE TABLE IF NOT EXISTS event_ids (
  funnel_id LowCardinality(String),
  id String,
  ts ${TS}
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (funnel_id, id)
SETTINGS non_replicated_deduplication_window = 10000`;

export const EVENT_IDS_MV = `CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT funnel_id, id, ts FROM events`;

// Per visit: sums, min/max, and the opening event's attributes (any() skips NULLs, and
// only the opening event gives them a value), folded by background merges; reads
// finish the fold with GROUP BY (funnel_id, visit_start, session_id). Entry and exit
// paths skip events with no path: read them with nullIf(argMinMerge(entry_path), '').
const OPENER = ["channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_id", "browser", "os", "device", "country", "region", "city"];

export const VISITS = `CREATE TABLE IF NOT EXISTS visits (
  funnel_id LowCardinality(String),
  visit_start ${TS},
  session_id String,
  anonymous_id SimpleAggregateFunction(any, String),
  started_at SimpleAggregateFunction(min, Nullable(${TS})),
  last_at SimpleAggregateFunction(max, Nullable(${TS})),
  entry_path AggregateFunction(argMin, String, Tuple(${TS}, UInt8)),
  exit_path AggregateFunction(argMax, String, Tuple(${TS}, UInt8)),
  pageviews SimpleAggregateFunction(sum, UInt64),
  events SimpleAggregateFunction(sum, UInt64),
  engaging SimpleAggregateFunction(max, UInt8),
  conversions SimpleAggregateFunction(sum, UInt64),
  revenue SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(Int64))),
  contact_id SimpleAggregateFunction(max, Nullable(UInt64)),
  ${OPENER.map((c) => `${c} SimpleAggregateFunction(any, Nullable(String))`).join(",\n  ")},
  INDEX visits_visitor anonymous_id TYPE bloom_filter(0.01) GRANULARITY 2,
  INDEX visits_session session_id TYPE bloom_filter(0.01) GRANULARITY 2
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(visit_start)
ORDER BY (funnel_id, visit_start, session_id)
SETTINGS non_replicated_deduplication_window = 10000`;

// The visit's bounds move with browsing events and its opening one (a secret-key event
// joins a visit for attribution, not for its duration), like the SQLite writer's folds.
export const VISITS_MV = `CREATE MATERIALIZED VIEW IF NOT EXISTS visits_mv TO visits AS
SELECT
  funnel_id, visit_start, session_id,
  any(anonymous_id) AS anonymous_id,
  min(if(browsing = 1 OR opens_visit = 1, ts, NULL)) AS started_at,
  max(if(browsing = 1 OR opens_visit = 1, ts, NULL)) AS last_at,
  argMinStateIf(path, (ts, toUInt8(1 - opens_visit)), opens_visit = 1 OR type = 'page_view') AS entry_path,
  argMaxStateIf(path, (ts, opens_visit), opens_visit = 1 OR type = 'page_view') AS exit_path,
  sum(toUInt64(type = 'page_view')) AS pageviews,
  count() AS events,
  max(engaging) AS engaging,
  sum(toUInt64(type = 'conversion')) AS conversions,
  sumMap(if(revenue_minor IS NULL OR currency IS NULL, ([], []), ([assumeNotNull(currency)], [assumeNotNull(revenue_minor)]))) AS revenue,
  max(contact_id) AS contact_id,
  ${OPENER.map((c) => `any(if(opens_visit = 1, ${c}, NULL)) AS ${c}`).join(",\n  ")}
FROM events
WHERE in_visit = 1
GROUP BY funnel_id, visit_start, session_id`;

export const VISITOR_CONTACTS = `CREATE TABLE IF NOT EXISTS visitor_contacts (
  funnel_id LowCardinality(String),
  anonymous_id String,
  contact_id UInt64,
  linked_at ${TS}
) ENGINE = ReplacingMergeTree(linked_at)
ORDER BY (funnel_id, anonymous_id)`;

export const SCHEMA_V1 = [EVENTS, EVENT_IDS, EVENT_IDS_MV, VISITS, VISITS_MV, VISITOR_CONTACTS];
