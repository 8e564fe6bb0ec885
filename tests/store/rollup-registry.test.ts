// The rollup registry is the one list retention and funnel deletion go through: every
// derived table of the event plane (src/db/schema-rollups.ts) must be emptied by it,
// so a rollup added without a registry entry fails here.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { getTableName } from "drizzle-orm";
import { rmSync } from "node:fs";
import { openStore, type Store } from "../../src/db/open";
import * as rollupSchema from "../../src/db/schema-rollups";
import { createFunnel } from "../../src/funnels/store";
import { parseSteps } from "../../src/funnels/steps-definition";
import { tempDir } from "../helpers/server";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const TABLES = Object.values(rollupSchema).map((t) => getTableName(t as never));

let dir: string;
let store: Store;

beforeEach(() => {
  dir = tempDir("aurea-rollup-registry-");
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Ten days of one visit a day (a page view and a conversion), then every rollup built. */
function seeded(name: string): string {
  const funnelId = createFunnel(store.db, { name, url: `https://${name}.example` }).funnel.id;
  const ev = store.sqlite.prepare(
    `INSERT INTO events (funnel_id, id, type, name, path, ts, received_at, anonymous_id, session_id, revenue_minor, currency)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'a', ?, ?, ?)`,
  );
  const ses = store.sqlite.prepare(
    "INSERT INTO sessions (funnel_id, id, anonymous_id, started_at, last_at, pageviews, events, conversions, converted) VALUES (?, ?, 'a', ?, ?, 1, 2, 1, 1)",
  );
  store.sqlite.transaction(() => {
    for (let d = 1; d <= 10; d++) {
      const ts = NOW - d * DAY;
      ev.run(funnelId, `${funnelId}-p${d}`, "page_view", "page_view", "/", ts, ts, `s${d}`, null, null);
      ev.run(funnelId, `${funnelId}-c${d}`, "conversion", "purchase", null, ts + 1000, ts, `s${d}`, 1200, "USD");
      ses.run(funnelId, `s${d}`, ts, ts + 1000);
    }
  })();
  const def = parseSteps({ window: "1d", steps: [{ name: "Home", page: "/" }, { name: "Buy", event: "purchase" }] });
  if (!def.ok) throw new Error("bad steps");
  const { rollups, journeys } = store.events;
  rollups.dashboard.refresh(funnelId, NOW);
  expect(journeys.journeys(funnelId, { def: def.value, from: NOW - 11 * DAY, to: NOW, rollupBefore: NOW })).toHaveLength(1);
  return funnelId;
}

const rows = (table: string, funnelId: string) =>
  (store.sqlite.query(`SELECT count(*) AS n FROM ${table} WHERE funnel_id = ?`).get(funnelId) as { n: number }).n;

test("the registry names the dashboard rollup and the journey copies", () => {
  expect(store.events.rollups.all.map((r) => r.name)).toEqual(["dashboard hours and revenue", "journey copies"]);
});

test("forgetting a funnel empties every derived table of it, and only of it", () => {
  const gone = seeded("gone");
  const kept = seeded("kept");
  for (const t of ["rollup_hours", "rollup_revenue", "rollup_built", "journey_events", "journey_days"]) expect(rows(t, gone)).toBeGreaterThan(0);
  store.sqlite.transaction(() => store.events.retention.forgetFunnel(gone))();
  for (const t of [...TABLES, "events", "sessions"]) expect(rows(t, gone)).toBe(0);
  expect(rows("rollup_hours", kept)).toBeGreaterThan(0);
  expect(rows("journey_events", kept)).toBe(20);
});

test("retention deletes every rollup's rows before the cutoff", async () => {
  const funnelId = seeded("old");
  const cutoff = NOW - 5 * DAY - DAY / 2;
  const result = await store.events.retention.deleteBefore(funnelId, cutoff, { chunk: 3, pauseMs: 0 });
  expect(result).toEqual({ events: 10, sessions: 5 });
  const before = (sql: string) => (store.sqlite.query(sql).get(funnelId, cutoff) as { n: number }).n;
  expect(before("SELECT count(*) AS n FROM rollup_hours WHERE funnel_id = ? AND hour < ? / 3600000")).toBe(0);
  expect(before("SELECT count(*) AS n FROM rollup_revenue WHERE funnel_id = ? AND hour < ? / 3600000")).toBe(0);
  expect(before("SELECT count(*) AS n FROM journey_events WHERE funnel_id = ? AND ts < ?")).toBe(0);
  expect(rows("journey_events", funnelId)).toBe(10);
});
