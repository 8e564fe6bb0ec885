// The retention pass: old events and ended sessions go, in chunks; funnels without retention keep everything.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore, type Store } from "../../src/db/open";
import { createFunnel } from "../../src/funnels/store";
import { runRetention } from "../../src/jobs/retention";
import { insertEvent, insertSession } from "../helpers/layout-rows";
import { tempDir } from "../helpers/server";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
let dir: string;
let store: Store;

beforeEach(() => {
  dir = tempDir("aurea-retention-");
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function seed(funnelId: string, ages: number[]) {
  store.sqlite.transaction(() => {
    ages.forEach((ageDays, i) => {
      const ts = NOW - ageDays * DAY;
      insertSession(store.sqlite, { funnel_id: funnelId, id: `s${i}`, anonymous_id: "a", started_at: ts - 60_000, last_at: ts });
      insertEvent(store.sqlite, { funnel_id: funnelId, id: `${funnelId}-e${i}`, type: "page_view", name: "page_view", ts, anonymous_id: "a", session_id: `s${i}` });
    });
  })();
}

/** Rows of the funnel: the rollups keep its public id, events and sessions its key. */
const count = (table: string, funnelId: string) =>
  table.startsWith("rollup_")
    ? (store.sqlite.query(`SELECT count(*) AS n FROM ${table} WHERE funnel_id = ?`).get(funnelId) as { n: number }).n
    : (store.sqlite.query(`SELECT count(*) AS n FROM ${table} WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)`).get(funnelId) as { n: number }).n;

test("deletes what is older than retention_days, chunk by chunk", async () => {
  const a = createFunnel(store.db, { name: "A", url: "https://a.example" }).funnel;
  const b = createFunnel(store.db, { name: "B", url: "https://b.example" }).funnel;
  store.sqlite.run("UPDATE funnels SET retention_days = 30 WHERE id = ?", [a.id]);
  const ages = [...Array.from({ length: 25 }, () => 45), 29, 10, 1];
  seed(a.id, ages);
  seed(b.id, ages);

  const HOUR = 3_600_000;
  const rollup = store.sqlite.prepare(
    "INSERT INTO rollup_hours (funnel_id, dim, hour, value, visits, converted, conversions, pageviews, events, bounces, duration_ms, hits) VALUES (?, 'all', ?, '', 1, 0, 0, 1, 1, 1, 0, 0)",
  );
  for (const days of [45, 29]) for (const id of [a.id, b.id]) rollup.run(id, Math.floor((NOW - days * DAY) / HOUR));

  const result = await runRetention(store.sqlite, NOW, { chunk: 10, pauseMs: 0 });
  expect(result).toEqual({ events: 25, sessions: 25 });
  expect(count("rollup_hours", a.id)).toBe(1);
  expect(count("rollup_hours", b.id)).toBe(2);
  expect(count("events", a.id)).toBe(3);
  expect(count("sessions", a.id)).toBe(3);
  expect(count("events", b.id)).toBe(28);
  expect(count("sessions", b.id)).toBe(28);
  expect(await runRetention(store.sqlite, NOW, { chunk: 10, pauseMs: 0 })).toEqual({ events: 0, sessions: 0 });
});

test("stops between chunks when asked", async () => {
  const a = createFunnel(store.db, { name: "A", url: "https://a.example" }).funnel;
  store.sqlite.run("UPDATE funnels SET retention_days = 1 WHERE id = ?", [a.id]);
  seed(a.id, Array.from({ length: 50 }, () => 5));
  let chunks = 0;
  const result = await runRetention(store.sqlite, NOW, { chunk: 10, pauseMs: 0, stopped: () => ++chunks > 2 });
  expect(result.events).toBe(20);
  expect(count("events", a.id)).toBe(30);
});
