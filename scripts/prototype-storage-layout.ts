// Scratch measurement, not used by Aurea: rebuilds a COPY of a data directory's event
// plane in the compact layout proposed in docs/storage.md (integer keys for funnels,
// visitors and sessions; dictionaries for repeated strings; 16-byte event ids; a narrow
// journey copy), drops the old tables, VACUUMs, so that scripts/bench-storage.ts can
// print the bytes per event of the proposal beside the current layout.
//
//   cp -r DATA /tmp/proto && bun scripts/prototype-storage-layout.ts /tmp/proto
//   bun scripts/bench-storage.ts --data DATA --data /tmp/proto
import { Database } from "bun:sqlite";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: bun scripts/prototype-storage-layout.ts COPY_OF_DATA_DIR");
const db = new Database(join(dir, "aurea.db"));
db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY");
const step = (label: string, sql: string) => {
  const t = performance.now();
  db.exec(sql);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
};

/** A UUID as its 16 bytes; any other id stays text (compared exactly either way). */
const uuid = (col: string) => `CASE WHEN length(${col}) = 36 AND unhex(replace(${col}, '-', '')) IS NOT NULL THEN unhex(replace(${col}, '-', '')) ELSE ${col} END`;

step(
  "keys and dictionaries",
  `
  CREATE TABLE funnel_keys (key INTEGER PRIMARY KEY, funnel_id TEXT NOT NULL UNIQUE);
  INSERT INTO funnel_keys (funnel_id) SELECT id FROM funnels;
  -- One dictionary for every repeated string (urls, paths, titles, referrers, names, utm, props...).
  CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
  -- An event's type and name together (page_view/page_view, track/cta_clicked...): one small integer.
  CREATE TABLE kinds (id INTEGER PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (type, name));
  INSERT INTO kinds (type, name) SELECT type, name FROM events GROUP BY type, name ORDER BY count(*) DESC;
  INSERT OR IGNORE INTO strings (value)
    SELECT v FROM (SELECT name v FROM events UNION SELECT type FROM events UNION SELECT path FROM events UNION SELECT url FROM events
      UNION SELECT title FROM events UNION SELECT referrer FROM events UNION SELECT props FROM events WHERE length(props) <= 64
      UNION SELECT referrer_host FROM events UNION SELECT language FROM events UNION SELECT timezone FROM events)
    WHERE v IS NOT NULL;
  -- Per-visit facts that repeat together: one row per distinct combination.
  CREATE TABLE clients (id INTEGER PRIMARY KEY, browser TEXT, browser_version TEXT, os TEXT, device TEXT, screen_w INT, screen_h INT, language TEXT, timezone TEXT,
    UNIQUE (browser, browser_version, os, device, screen_w, screen_h, language, timezone));
  INSERT OR IGNORE INTO clients (browser, browser_version, os, device, screen_w, screen_h, language, timezone)
    SELECT DISTINCT browser, browser_version, os, device, screen_w, screen_h, language, timezone FROM events;
  CREATE TABLE places (id INTEGER PRIMARY KEY, country TEXT, region TEXT, city TEXT, UNIQUE (country, region, city));
  INSERT OR IGNORE INTO places (country, region, city) SELECT DISTINCT country, region, city FROM events;
  CREATE TABLE sources (id INTEGER PRIMARY KEY, channel TEXT, referrer_host TEXT, utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,
    UNIQUE (channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content));
  INSERT OR IGNORE INTO sources (channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
    SELECT DISTINCT channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM sessions;
  INSERT OR IGNORE INTO sources (channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
    SELECT DISTINCT channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM events;
  -- The public visitor ids, once; events and sessions hold the integer key.
  CREATE TABLE visitors (key INTEGER PRIMARY KEY, funnel INTEGER NOT NULL, public_id ANY NOT NULL, UNIQUE (funnel, public_id));
  INSERT INTO visitors (funnel, public_id)
    SELECT f.key, ${uuid("s.anonymous_id")} FROM sessions s JOIN funnel_keys f ON f.funnel_id = s.funnel_id GROUP BY 1, 2 ORDER BY min(s.started_at);
  INSERT OR IGNORE INTO visitors (funnel, public_id) SELECT DISTINCT f.key, ${uuid("e.anonymous_id")} FROM events e JOIN funnel_keys f ON f.funnel_id = e.funnel_id;
  `,
);

const s = (col: string) => `(SELECT id FROM strings WHERE value = ${col})`;
step(
  "sessions",
  `
  CREATE TABLE sessions2 (
    key INTEGER PRIMARY KEY, funnel INTEGER NOT NULL, visitor INTEGER NOT NULL, started_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
    entry_path INTEGER, exit_path INTEGER, pageviews INTEGER NOT NULL, events INTEGER NOT NULL, duration_ms INTEGER NOT NULL, bounce INTEGER NOT NULL,
    source INTEGER, client INTEGER, place INTEGER, converted INTEGER NOT NULL, conversions INTEGER NOT NULL,
    public_id TEXT NOT NULL, contact_id INTEGER, click_id TEXT, revenue TEXT);
  INSERT INTO sessions2 (funnel, visitor, started_at, last_at, entry_path, exit_path, pageviews, events, duration_ms, bounce, source, client, place,
      converted, conversions, public_id, contact_id, click_id, revenue)
    SELECT f.key, v.key, s.started_at, s.last_at, ${s("s.entry_path")}, ${s("s.exit_path")}, s.pageviews, s.events, s.duration_ms, s.bounce,
      (SELECT id FROM sources x WHERE x.channel IS s.channel AND x.referrer_host IS s.referrer_host AND x.utm_source IS s.utm_source AND x.utm_medium IS s.utm_medium
         AND x.utm_campaign IS s.utm_campaign AND x.utm_term IS s.utm_term AND x.utm_content IS s.utm_content),
      NULL,
      (SELECT id FROM places p WHERE p.country IS s.country AND p.region IS s.region AND p.city IS s.city),
      s.converted, s.conversions, s.id, s.contact_id, s.click_id, nullif(s.revenue, '{}')
    FROM sessions s CROSS JOIN funnel_keys f ON f.funnel_id = s.funnel_id CROSS JOIN visitors v ON v.funnel = f.key AND v.public_id = ${uuid("s.anonymous_id")}
    ORDER BY s.started_at;
  CREATE UNIQUE INDEX sessions2_public ON sessions2 (funnel, public_id);
  CREATE INDEX sessions2_started ON sessions2 (funnel, started_at);
  CREATE INDEX sessions2_visitor ON sessions2 (funnel, visitor, started_at);
  `,
);

step(
  "events",
  `
  CREATE TABLE events2 (
    row_id INTEGER PRIMARY KEY AUTOINCREMENT, funnel INTEGER NOT NULL, id BLOB NOT NULL, kind INTEGER NOT NULL, ts INTEGER NOT NULL,
    visitor INTEGER NOT NULL, session INTEGER NOT NULL, path INTEGER, url INTEGER, title INTEGER, referrer INTEGER, client INTEGER, place INTEGER, source INTEGER,
    props ANY, contact_id INTEGER, user_id TEXT, revenue_minor INTEGER, currency TEXT, verified INTEGER, click_id TEXT, flags TEXT, order_id TEXT);
  INSERT INTO events2 (row_id, funnel, id, kind, ts, visitor, session, path, url, title, referrer, client, place, source, props, contact_id, user_id,
      revenue_minor, currency, verified, click_id, flags, order_id)
    SELECT e.row_id, f.key, ${uuid("e.id")}, (SELECT id FROM kinds k WHERE k.type = e.type AND k.name = e.name), e.ts, v.key, ss.key,
      ${s("e.path")}, ${s("e.url")}, ${s("e.title")}, ${s("e.referrer")},
      (SELECT id FROM clients c WHERE c.browser IS e.browser AND c.browser_version IS e.browser_version AND c.os IS e.os AND c.device IS e.device
         AND c.screen_w IS e.screen_w AND c.screen_h IS e.screen_h AND c.language IS e.language AND c.timezone IS e.timezone),
      (SELECT id FROM places p WHERE p.country IS e.country AND p.region IS e.region AND p.city IS e.city),
      (SELECT id FROM sources x WHERE x.channel IS e.channel AND x.referrer_host IS e.referrer_host AND x.utm_source IS e.utm_source AND x.utm_medium IS e.utm_medium
         AND x.utm_campaign IS e.utm_campaign AND x.utm_term IS e.utm_term AND x.utm_content IS e.utm_content),
      coalesce(${s("e.props")}, e.props), e.contact_id, e.user_id, e.revenue_minor, e.currency, nullif(e.verified, 0), e.click_id, e.flags, e.order_id
    FROM events e CROSS JOIN funnel_keys f ON f.funnel_id = e.funnel_id CROSS JOIN visitors v ON v.funnel = f.key AND v.public_id = ${uuid("e.anonymous_id")}
      CROSS JOIN sessions2 ss ON ss.funnel = f.key AND ss.public_id = e.session_id
    ORDER BY e.row_id;
  CREATE UNIQUE INDEX events2_id ON events2 (funnel, id);
  CREATE INDEX events2_ts ON events2 (funnel, ts);
  CREATE INDEX events2_session ON events2 (funnel, session, ts, kind, path);
  UPDATE sessions2 SET client = (SELECT client FROM events2 WHERE funnel = sessions2.funnel AND session = sessions2.key LIMIT 1);
  -- No (funnel, visitor, ts): a visitor's events are found through their sessions (sessions2_visitor, then events2_session).
  CREATE INDEX events2_kind ON events2 (funnel, kind, path, ts, session);
  CREATE INDEX events2_order ON events2 (funnel, order_id) WHERE order_id IS NOT NULL;
  `,
);

step(
  "journey copy",
  `
  CREATE TABLE journey2 (funnel INTEGER NOT NULL, day INTEGER NOT NULL, kind INTEGER NOT NULL, path INTEGER NOT NULL, ts INTEGER NOT NULL,
    row_id INTEGER NOT NULL, has_path INTEGER NOT NULL, visitor INTEGER NOT NULL, contact_id INTEGER, revenue_minor INTEGER, currency TEXT,
    PRIMARY KEY (funnel, day, kind, path, ts, row_id)) WITHOUT ROWID;
  INSERT INTO journey2 SELECT e.funnel, j.day, e.kind, coalesce(CASE WHEN j.type = 'page_view' THEN e.path END, 0), j.ts, j.row_id, j.has_path, e.visitor,
      j.contact_id, j.revenue_minor, j.currency
    FROM journey_events j CROSS JOIN events2 e ON e.row_id = j.row_id ORDER BY 1, 2, 3, 4, 5, 6;
  `,
);

step(
  "contacts, rollups",
  `
  CREATE TABLE contact_visitors2 (visitor INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL, linked_at INTEGER NOT NULL);
  INSERT INTO contact_visitors2 SELECT v.key, c.contact_id, c.linked_at FROM contact_visitors c JOIN funnel_keys f ON f.funnel_id = c.funnel_id
    JOIN visitors v ON v.funnel = f.key AND v.public_id = ${uuid("c.anonymous_id")};
  CREATE INDEX contact_visitors2_contact ON contact_visitors2 (contact_id);
  CREATE TABLE rollup_hours2 (funnel INT NOT NULL, dim TEXT NOT NULL, hour INT NOT NULL, value TEXT NOT NULL, visits INT, converted INT, conversions INT,
    pageviews INT, events INT, bounces INT, duration_ms INT, hits INT, PRIMARY KEY (funnel, dim, hour, value)) WITHOUT ROWID;
  INSERT INTO rollup_hours2 SELECT f.key, r.dim, r.hour, r.value, visits, converted, conversions, pageviews, events, bounces, duration_ms, hits
    FROM rollup_hours r JOIN funnel_keys f ON f.funnel_id = r.funnel_id;
  CREATE TABLE rollup_revenue2 (funnel INT NOT NULL, dim TEXT NOT NULL, hour INT NOT NULL, value TEXT NOT NULL, currency TEXT NOT NULL, verified INT NOT NULL,
    minor INT NOT NULL, PRIMARY KEY (funnel, dim, hour, value, currency, verified)) WITHOUT ROWID;
  INSERT INTO rollup_revenue2 SELECT f.key, r.dim, r.hour, r.value, currency, verified, minor FROM rollup_revenue r JOIN funnel_keys f ON f.funnel_id = r.funnel_id;
  `,
);

step(
  "drop the old layout, VACUUM",
  `
  DROP TABLE journey_events; DROP TABLE events; DROP TABLE sessions; DROP TABLE contact_visitors; DROP TABLE rollup_hours; DROP TABLE rollup_revenue;
  ALTER TABLE events2 RENAME TO events; ALTER TABLE sessions2 RENAME TO sessions; ALTER TABLE journey2 RENAME TO journey_events;
  ALTER TABLE contact_visitors2 RENAME TO contact_visitors; ALTER TABLE rollup_hours2 RENAME TO rollup_hours; ALTER TABLE rollup_revenue2 RENAME TO rollup_revenue;
  VACUUM;
  `,
);
db.close();
