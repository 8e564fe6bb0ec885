// The funnel report's rollup of past days (journey_events): every way of reading the
// journeys gives the brute-force reference's report, and the rollup stays exact when
// events change after it was built (late events, identify back-fills, deletions).
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { loadJourneys } from "../../src/store/sqlite/journeys/load-journeys";
import { buildReport, progressAll } from "../../src/analytics/funnel-report";
import { openStore } from "../../src/db/open";
import type { StepsDefinition } from "../../src/funnels/steps-definition";
import { tempDir } from "../helpers/server";
import { def, HOUR, MIN, rng } from "./journey-helpers";
import { refReport, type RefEvent } from "./reference";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";
import { insertEvent, keyOf, stringId, visitorKey } from "../helpers/layout-rows";

const dir = tempDir("aurea-journeys-rollup-");
const store = openStore(dir);
const readOnly = new Database(store.path, { readonly: true });
afterAll(() => {
  readOnly.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 24 * HOUR;
const BASE = Date.UTC(2026, 2, 1); // long past: whole days come from the rollup
const DEFS = [
  def({ window: "1d", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Buy", event: "purchase", where: { plan: "pro" } }] }),
  def({ window: "12h", order: "strict", steps: [{ name: "Home", page: "/" }, { name: "Blog", page: "/blog/*" }, { name: "Any", event: "$conversion" }] }),
  def({ window: "2d", steps: [{ name: "Any page", page: "/*" }, { name: "Signup", event: "signup" }, { name: "Pricing", page: "/pricing" }] }),
];
const PATHS = ["/", "/", "/pricing", "/pricing/team", "/blog/a", "/about", null];
const TRACKS = ["signup", "scroll_depth", "video"];



/** Random events over four days around BASE (several per day boundary). */
function addEvents(funnelId: string, seed: number, count: number): void {
  const r = rng(seed);
  store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const anon = `anon${r.int(12)}`;
      const contact = anon < "anon3" ? 1 + r.int(2) : null;
      const ts = BASE + r.int(4 * 24 * 60) * MIN + r.pick([0, 0, 1]);
      const kind = r.next();
      const [type, name, path] = kind < 0.6 ? ["page_view", "page_view", r.pick(PATHS)] : kind < 0.85 ? ["track", r.pick(TRACKS), null] : ["conversion", "purchase", null];
      const paid = type === "conversion" && r.next() < 0.7;
      insertEvent(store.sqlite, {
        funnel_id: funnelId, id: `${seed}-${i}`, type, name, ts, anonymous_id: anon, session_id: `s-${anon}`, contact_id: contact, path,
        props: type === "conversion" ? JSON.stringify({ plan: r.pick(["pro", "basic"]) }) : null,
        revenue_minor: paid ? 100 + r.int(1000) : null, currency: paid ? "EUR" : null, channel: r.pick(["direct", "paid", null]),
      });
    }
  })();
}

/** The reference's input, read back from events as they are now. */
function currentEvents(funnelId: string): RefEvent[] {
  const rows = store.sqlite
    .query<Record<string, never>, [string]>(`${WIDE_EVENTS_SQL} WHERE fk.funnel_id = ? ORDER BY e.row_id`)
    .all(funnelId) as unknown as Record<string, string | number | null>[];
  return rows.map((e) => ({
    rowId: e.row_id as number, visitor: e.contact_id !== null ? `c${e.contact_id}` : `a${e.anonymous_id}`, ts: e.ts as number,
    type: e.type as string, name: e.name as string, path: e.path as string | null,
    props: e.props ? JSON.parse(e.props as string) : null, revenueMinor: e.revenue_minor as number | null,
    currency: e.currency as string | null, channel: e.channel as string | null,
  }));
}

function summary(sqlite: Database, funnelId: string, d: StepsDefinition, from: number, to: number, now: number, rollupBefore?: number) {
  const journeys = loadJourneys(sqlite, funnelId, { def: d, from, to, breakdown: "channel", rollupBefore });
  const rules = { stepCount: d.steps.length, windowMs: d.windowMs, order: d.order, from, to, now };
  const r = buildReport(d.steps.map((s) => s.name), progressAll(journeys, rules), true);
  return {
    steps: r.steps.map((s) => [s.visitors, s.inProgress, s.dropped, s.medianSecondsFromPrevious]),
    channels: Object.fromEntries((r.breakdown ?? []).map((b) => [b.value, b.visitors])),
  };
}

function expected(funnelId: string, d: StepsDefinition, from: number, to: number, now: number) {
  const want = refReport(d, currentEvents(funnelId), from, to, now);
  const channels: Record<string, number> = {};
  for (const v of want.visitors) channels[v.entry.channel ?? "(none)"] = (channels[v.entry.channel ?? "(none)"] ?? 0) + 1;
  return {
    steps: want.steps.map((s) => [s.visitors, s.inProgress, s.dropped, s.medianMs === null ? null : Math.round(s.medianMs) / 1000]),
    channels,
  };
}

function checkAllPaths(funnelId: string, d: StepsDefinition, from: number, to: number, now: number, where: string) {
  const want = [where, expected(funnelId, d, from, to, now)];
  expect([where, summary(store.sqlite, funnelId, d, from, to, now)]).toEqual(want); // past days from the rollup
  expect([where, summary(store.sqlite, funnelId, d, from, to, now, 0)]).toEqual(want); // all from events, by time
  expect([where, summary(readOnly, funnelId, d, from, to, now)]).toEqual(want); // no write access: events by index
}

test("rollup, events by time and events by index all give the reference's report", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const funnelId = `rollup${seed}`;
    addEvents(funnelId, seed, 40 + seed * 4);
    const r = rng(seed * 31);
    const d = DEFS[seed % DEFS.length];
    const from = BASE + r.int(3 * 24) * HOUR;
    const to = from + (1 + r.int(36)) * HOUR;
    // Read-only first: the rollup is not built yet, so it falls back to events.
    const now = BASE + r.int(6 * 24) * HOUR;
    const want = expected(funnelId, d, from, to, now);
    expect([seed, summary(readOnly, funnelId, d, from, to, now)]).toEqual([seed, want]);
    checkAllPaths(funnelId, d, from, to, now, `seed ${seed}`);
  }
});

test("the rollup follows events that change after it was built", () => {
  const funnelId = "rollup-changes";
  addEvents(funnelId, 99, 300);
  const from = BASE;
  const to = BASE + 3 * DAY;
  const now = BASE + 10 * DAY;
  for (const d of DEFS) checkAllPaths(funnelId, d, from, to, now, "built");
  const count = () => (store.sqlite.query("SELECT count(*) AS n FROM journey_events WHERE funnel = ?").get(keyOf(store.sqlite, funnelId)) as { n: number }).n;
  expect(count()).toBeGreaterThan(0);

  // A late event for a day already rolled up, then more: appended.
  addEvents(funnelId, 100, 25);
  for (const d of DEFS) checkAllPaths(funnelId, d, from, to, now, "late events");

  // identify back-fills an anonymous id's events with its contact: the trigger copies it.
  const backfill = store.sqlite.query("UPDATE events SET contact_id = ? WHERE visitor = ? AND contact_id IS NULL");
  expect(backfill.run(7, visitorKey(store.sqlite, funnelId, "anon5")).changes).toBeGreaterThan(0);
  expect(backfill.run(7, visitorKey(store.sqlite, funnelId, "anon8")).changes).toBeGreaterThan(0);
  for (const d of DEFS) checkAllPaths(funnelId, d, from, to, now, "back-filled contact");

  // Retention deletes old events: the days are rebuilt.
  store.sqlite.query("DELETE FROM events WHERE funnel = ? AND ts < ?").run(keyOf(store.sqlite, funnelId), BASE + 20 * HOUR);
  for (const d of DEFS) checkAllPaths(funnelId, d, from, to, now, "deleted");

  // Any other change to a copied column drops the day, which is rebuilt.
  store.sqlite
    .query("UPDATE events SET path = ? WHERE funnel = ? AND kind IN (SELECT id FROM kinds WHERE type = 'page_view') AND path = ?")
    .run(stringId(store.sqlite, "/"), keyOf(store.sqlite, funnelId), stringId(store.sqlite, "/about"));
  for (const d of DEFS) checkAllPaths(funnelId, d, from, to, now, "changed path");
});
