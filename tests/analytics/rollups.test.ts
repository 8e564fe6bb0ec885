// The rollups must say exactly what the live queries say, for every dimension and any
// range a viewer can pick (whole UTC days, ragged local-time edges, today), and stay
// right as days close.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { breakdown } from "../../src/store/sqlite/dashboard/breakdown";
import { DIMENSION_KEYS } from "../../src/analytics/dimensions";
import type { Scope } from "../../src/analytics/filters";
import { liveGroups, liveRevenue, liveTotals } from "../../src/store/sqlite/dashboard/live-queries";
import { totals } from "../../src/store/sqlite/dashboard/overview";
import { parsePeriod } from "../../src/analytics/period";
import { analyticsReader } from "../../src/store/sqlite/dashboard/dashboard-reader";
import { timeseries } from "../../src/store/sqlite/dashboard/timeseries";
import { visitorsPerKey } from "../../src/store/sqlite/dashboard/visitors";
import { openStore, type Store } from "../../src/db/open";
import { seedDemo } from "../../src/store/sqlite/demo-seed";
import { createFunnel } from "../../src/funnels/store";
import { tempDir } from "../helpers/server";
import { insertSession } from "../helpers/layout-rows";
import { decodePublicId } from "../../src/store/sqlite/layout";

const NOW = Date.parse("2026-03-31T10:20:00Z");
let dir: string;
let store: Store;
let funnelId: string;

beforeAll(() => {
  dir = tempDir("aurea-rollups-");
  store = openStore(dir);
  funnelId = createFunnel(store.db, { name: "Rollups", url: "https://demo.aurea.dev" }).funnel.id;
  seedDemo(store.sqlite, funnelId, { events: 8000, days: 12, now: NOW, seed: 7 });
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function liveBreakdown(scope: Scope, dim: (typeof DIMENSION_KEYS)[number]) {
  const revenue = liveRevenue(store.sqlite, scope, dim === "page" || dim === "event" ? null : dim);
  return liveGroups(store.sqlite, scope, dim, null).groups.map((g) => ({
    value: g.value,
    tally: g.tally,
    revenue: dim === "page" || dim === "event" ? {} : (revenue.get(g.value) ?? {}),
  }));
}

const RANGES: [string, Record<string, string>, string][] = [
  ["last 7 days, Berlin", { range: "7d" }, "Europe/Berlin"],
  ["last 30 days, Los Angeles", { range: "30d" }, "America/Los_Angeles"],
  ["today, UTC", { range: "today" }, "UTC"],
  ["yesterday, Kolkata (half-hour offset)", { range: "yesterday" }, "Asia/Kolkata"],
  ["custom, New York", { range: "custom", from: "2026-03-22", to: "2026-03-27" }, "America/New_York"],
];

describe.each(RANGES)("%s", (_name, query, tz) => {
  const period = parsePeriod(query, tz, NOW);
  const scope: Scope = { funnelId: "", from: period.from, to: period.to, filters: [] };

  test("every panel equals the live query", () => {
    const reader = analyticsReader(store.sqlite, () => NOW);
    const s = { ...scope, funnelId };
    for (const dim of DIMENSION_KEYS) {
      const rolled = breakdown(reader, s, dim, 1000);
      const live = liveBreakdown(s, dim);
      expect(rolled.rows.map((r) => r.value).sort()).toEqual(live.map((r) => r.value).sort());
      const byValue = new Map(live.map((r) => [r.value, r]));
      for (const row of rolled.rows) {
        expect(row.tally).toEqual(byValue.get(row.value)!.tally);
        expect(row.revenue).toEqual(byValue.get(row.value)!.revenue);
      }
    }
  });

  test("totals and every chart bucket equal the live query", () => {
    const reader = analyticsReader(store.sqlite, () => NOW);
    const s = { ...scope, funnelId };
    const t = totals(reader, s, null);
    const live = liveTotals(store.sqlite, s);
    expect(t).toEqual(live);
    expect(t.tally.visits).toBeGreaterThan(0);
    for (const metric of ["visitors", "pageviews", "conversions"] as const) {
      const series = timeseries(reader, s, period.bucket, tz, metric, null);
      series.points.forEach((p, i) => {
        const end = series.points[i + 1]?.at ?? s.to;
        const bucket = liveTotals(store.sqlite, { ...s, from: p.at, to: end });
        expect(p.value).toBe(metric === "visitors" ? bucket.visitors : bucket.tally[metric]);
      });
    }
  });
});

describe.each(RANGES)("filtered by one visit attribute or page, %s", (_name, query, tz) => {
  const period = parsePeriod(query, tz, NOW);
  test("totals (whole days from the rollups' rows of that value) equal the live query", () => {
    const reader = analyticsReader(store.sqlite, () => NOW);
    let checked = 0;
    for (const key of ["channel", "referrer", "source", "browser", "os", "device", "country", "entry", "exit", "region", "page"] as const) {
      const all: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
      for (const g of liveGroups(store.sqlite, all, key, 3).groups) {
        const s: Scope = { ...all, filters: [{ key, value: key === "region" ? g.value.split("\x1f")[1] ?? "" : g.value }] };
        const live = liveTotals(store.sqlite, s);
        expect(totals(reader, s, null)).toEqual(live);
        if (live.tally.visits > 0) checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test("filtered by a page: every chart bucket's visitors (the page's visitor sets) equal the live query", () => {
    const reader = analyticsReader(store.sqlite, () => NOW);
    const all: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
    let counted = 0;
    for (const g of liveGroups(store.sqlite, all, "page", 3).groups) {
      const s: Scope = { ...all, filters: [{ key: "page", value: g.value }] };
      const series = timeseries(reader, s, period.bucket, tz, "visitors", null);
      series.points.forEach((p, i) => {
        const end = series.points[i + 1]?.at ?? s.to;
        const live = liveTotals(store.sqlite, { ...s, from: p.at, to: end }).visitors;
        expect(p.value).toBe(live);
        counted += live;
      });
      expect(series.totalVisitors).toBe(liveTotals(store.sqlite, s).visitors);
    }
    expect(counted).toBeGreaterThan(0);
  });
});

test("a range that starts inside an hour: its ragged start, the rolled hours and today counted in time order, each UTC day's visitors as the live query", () => {
  const reader = analyticsReader(store.sqlite, () => NOW);
  const DAY = 86_400_000;
  const from = NOW - 9 * DAY - 37 * 60_000; // 37 minutes past an hour
  const s: Scope = { funnelId, from, to: NOW, filters: [] };
  const day = (ms: number) => Math.floor(ms / DAY);
  const { perKey, total } = visitorsPerKey(reader, s, null, day, { sql: `s.started_at / ${DAY}`, params: [] }, true);
  expect(perKey.size).toBe(10);
  for (const [k, n] of perKey) {
    expect(n).toBe(liveTotals(store.sqlite, { ...s, from: Math.max(from, k * DAY), to: Math.min(NOW, (k + 1) * DAY) }).visitors);
  }
  expect(total).toBe(liveTotals(store.sqlite, s).visitors);
});

test("days that close later are rolled up on the next read, and still agree", () => {
  const later = NOW + 2 * 86_400_000;
  const reader = analyticsReader(store.sqlite, () => later);
  const period = parsePeriod({ range: "7d" }, "Europe/Berlin", later);
  const scope: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
  expect(totals(reader, scope, null)).toEqual(liveTotals(store.sqlite, scope));
  const state = store.sqlite.query<{ d: number }, [string]>("SELECT built_through_day AS d FROM rollup_built WHERE funnel_id = ?").get(funnelId)!;
  expect(state.d).toBe(Math.floor(later / 86_400_000));
});

test("a day marked dirty is rebuilt before it is read", () => {
  const reader = analyticsReader(store.sqlite, () => NOW);
  const period = parsePeriod({ range: "30d" }, "UTC", NOW);
  const scope: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
  const before = breakdown(reader, scope, "channel", 100);
  // Move some visits of a closed day to another channel behind the rollups' back, then mark the day.
  const day = Math.floor((NOW - 3 * 86_400_000) / 86_400_000);
  const source = store.sqlite.query<{ id: number }, []>("INSERT INTO sources (channel) VALUES ('Rollup test') RETURNING id").get()!.id;
  const changed = store.sqlite
    .query("UPDATE sessions SET source = ? WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND started_at >= ? AND started_at < ?")
    .run(source, funnelId, day * 86_400_000, (day + 1) * 86_400_000).changes;
  expect(changed).toBeGreaterThan(0);
  store.sqlite.query("INSERT OR IGNORE INTO rollup_dirty_hours (funnel_id, hour) VALUES (?, ?)").run(funnelId, day * 24 + 5);
  const after = breakdown(reader, scope, "channel", 100);
  expect(after.rows.find((r) => r.value === "Rollup test")?.tally.visits).toBe(changed);
  expect(after.totalVisits).toBe(before.totalVisits);
  expect(store.sqlite.query("SELECT count(*) AS n FROM rollup_dirty_hours").get()).toEqual({ n: 0 });
});

test("the chart's visitor walk counts the same distinct visitors as the cards", () => {
  const reader = analyticsReader(store.sqlite, () => NOW);
  const period = parsePeriod({ range: "30d" }, "Europe/Berlin", NOW);
  const scope: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
  const series = timeseries(reader, scope, period.bucket, period.tz, "visitors", NOW - 12 * 86_400_000);
  expect(series.totalVisitors).toBe(liveTotals(store.sqlite, scope).visitors);
});

test("a late visit by a new visitor on a closed day counts once its day is rebuilt; a returning one is counted once", () => {
  const reader = analyticsReader(store.sqlite, () => NOW);
  const period = parsePeriod({ range: "7d" }, "Europe/Berlin", NOW);
  const scope: Scope = { funnelId, from: period.from, to: period.to, filters: [] };
  const before = totals(reader, scope, null).visitors;
  expect(before).toBe(liveTotals(store.sqlite, scope).visitors);
  const at = NOW - 2 * 86_400_000;
  const returning = store.sqlite
    .query<{ id: Uint8Array | string }, [string, number]>(
      "SELECT v.public_id AS id FROM sessions s JOIN visitors v ON v.key = s.visitor WHERE s.funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND s.started_at >= ? LIMIT 1",
    )
    .get(funnelId, period.from)!.id;
  insertSession(store.sqlite, { funnel_id: funnelId, id: "late-new", anonymous_id: "late-visitor", started_at: at, last_at: at + 1000 });
  insertSession(store.sqlite, { funnel_id: funnelId, id: "late-returning", anonymous_id: decodePublicId(returning), started_at: at + 5000, last_at: at + 6000 });
  store.sqlite.query("INSERT OR IGNORE INTO rollup_dirty_hours (funnel_id, hour) VALUES (?, ?)").run(funnelId, Math.floor(at / 3_600_000));
  const after = totals(reader, scope, null).visitors;
  expect(after).toBe(before + 1);
  expect(after).toBe(liveTotals(store.sqlite, scope).visitors);
  const series = timeseries(reader, scope, period.bucket, period.tz, "visitors", null);
  expect(series.totalVisitors).toBe(after);
  series.points.forEach((p, i) => {
    const end = series.points[i + 1]?.at ?? scope.to;
    expect(p.value).toBe(liveTotals(store.sqlite, { ...scope, from: p.at, to: end }).visitors);
  });
});
