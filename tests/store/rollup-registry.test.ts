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
import { insertEvent, insertSession } from "../helpers/layout-rows";

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
  const ev = (id: string, type: string, name: string, path: string | null, ts: number, session: string, revenue: number | null, currency: string | null) =>
    insertEvent(store.sqlite, { funnel_id: funnelId, id, type, name, path, ts, anonymous_id: "a", session_id: session, revenue_minor: revenue, currency });
  store.sqlite.transaction(() => {
    for (let d = 1; d <= 10; d++) {
      const ts = NOW - d * DAY;
      insertSession(store.sqlite, { funnel_id: funnelId, id: `s${d}`, anonymous_id: "a", started_at: ts, last_at: ts + 1000, pageviews: 1, events: 2, conversions: 1, converted: 1 });
      ev(`${funnelId}-p${d}`, "page_view", "page_view", "/", ts, `s${d}`, null, null);
      ev(`${funnelId}-c${d}`, "conversion", "purchase", null, ts + 1000, `s${d}`, 1200, "USD");
    }
  })();
  const def = parseSteps({ window: "1d", steps: [{ name: "Home", page: "/" }, { name: "Buy", event: "purchase" }] });
  if (!def.ok) throw new Error("bad steps");
  const { rollups, journeys } = store.events;
  rollups.dashboard.refresh(funnelId, NOW);
  expect(Array.from(journeys.journeys(funnelId, { def: def.value, from: NOW - 11 * DAY, to: NOW, rollupBefore: NOW }) as Iterable<unknown>)).toHaveLength(1);
  return funnelId;
}

/** Rows of a funnel in a table: by its public id, or its key in the compact layout's tables. */
const rows = (table: string, funnelId: string) => {
  const where = ["events", "sessions", "visitors", "journey_events", "journey_changes"].includes(table) ? "funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)" : "funnel_id = ?";
  return (store.sqlite.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(funnelId) as { n: number }).n;
};

test("the registry names the dashboard rollup and the journey copies", () => {
  expect(store.events.rollups.all.map((r) => r.name)).toEqual(["dashboard hours and revenue", "journey copies"]);
});

test("forgetting a funnel empties every derived table of it, and only of it", () => {
  const gone = seeded("gone");
  const kept = seeded("kept");
  for (const t of ["rollup_hours", "rollup_revenue", "rollup_visitors", "rollup_built", "journey_events", "journey_days", "journey_changes"]) expect(rows(t, gone)).toBeGreaterThan(0);
  store.sqlite.transaction(() => store.events.retention.forgetFunnel(gone))();
  for (const t of [...TABLES, "events", "sessions", "visitors", "contacts"]) expect(rows(t, gone)).toBe(0);
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
  expect(before("SELECT count(*) AS n FROM journey_events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND ts < ?")).toBe(0);
  expect(rows("journey_events", funnelId)).toBe(10);
});
