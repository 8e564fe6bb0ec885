// A funnel report over past days is kept by the reader thread and used again only while
// the journeys it came from are unchanged: after every kind of change (late event,
// identify back-fill, deletion, retention, an edited event) the report equals the
// brute-force reference again, and unchanged data is not read twice.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { stepsReport } from "../../src/analytics/steps-report";
import { openStore } from "../../src/db/open";
import type { JourneyReader } from "../../src/store/journey-reader";
import { sqliteEventStore } from "../../src/store/sqlite/event-store";
import { tempDir } from "../helpers/server";
import { insertEvent, keyOf, stringId, visitorKey } from "../helpers/layout-rows";
import { def, HOUR, MIN, rng } from "./journey-helpers";
import { refReport, type RefEvent } from "./reference";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";

const dir = tempDir("aurea-report-kept-");
const store = openStore(dir);
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 24 * HOUR;
const BASE = Date.UTC(2026, 2, 1);
const NOW = BASE + 20 * DAY;
const FUNNEL = "kept";
const D = def({ window: "1d", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Buy", event: "purchase" }] });
const FROM = BASE;
const TO = BASE + 3 * DAY;

let seq = 0;
function addEvents(seed: number, count: number): void {
  const r = rng(seed);
  store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const anon = `anon${r.int(12)}`;
      const type = r.next() < 0.75 ? "page_view" : "conversion";
      const paid = type === "conversion" && r.next() < 0.7;
      insertEvent(store.sqlite, {
        funnel_id: FUNNEL, id: `e${seq++}`, type, name: type === "page_view" ? "page_view" : "purchase",
        ts: BASE + r.int(4 * 24 * 60) * MIN, anonymous_id: anon, session_id: `s-${anon}`, contact_id: null,
        path: type === "page_view" ? r.pick(["/", "/", "/pricing", "/pricing/team", "/about"]) : null,
        props: null, revenue_minor: paid ? 100 + r.int(1000) : null, currency: paid ? "EUR" : null, channel: null,
      });
    }
  })();
}

function reference() {
  const rows = store.sqlite
    .query<Record<string, never>, [string]>(`${WIDE_EVENTS_SQL} WHERE fk.funnel_id = ? ORDER BY e.row_id`)
    .all(FUNNEL) as unknown as Record<string, string | number | null>[];
  const events: RefEvent[] = rows.map((e) => ({
    rowId: e.row_id as number, visitor: e.contact_id !== null ? `c${e.contact_id}` : `a${e.anonymous_id}`, ts: e.ts as number,
    type: e.type as string, name: e.name as string, path: e.path as string | null, props: null,
    revenueMinor: e.revenue_minor as number | null, currency: e.currency as string | null, channel: null,
  }));
  return refReport(D, events, FROM, TO, NOW).steps.map((s) => s.visitors);
}

/** The store's journey reader, counting how often journeys are read. */
const journeys = sqliteEventStore(store.sqlite).journeys;
let reads = 0;
const counting: JourneyReader = Object.assign(Object.create(journeys), {
  journeys: (funnelId: string, q: Parameters<JourneyReader["journeys"]>[1]) => {
    reads++;
    return journeys.journeys(funnelId, q);
  },
});

async function report(): Promise<number[]> {
  const r = await stepsReport(counting, FUNNEL, D, { from: FROM, to: TO, now: NOW });
  return r.steps.map((s) => s.visitors);
}

test("kept while nothing changes; read again after each change, and right", async () => {
  addEvents(1, 400);
  const check = async (what: string, read: boolean) => {
    const before = reads;
    expect([what, await report()]).toEqual([what, reference()]);
    expect([what, reads - before]).toEqual([what, read ? 1 : 0]);
  };
  await check("first report", true);
  await check("the same again: kept", false);

  addEvents(2, 30); // late events for the same days
  await check("late events", true);
  await check("unchanged since", false);

  // identify back-fills an anonymous id's events with its contact (in place, by trigger)
  const backfill = store.sqlite.query("UPDATE events SET contact_id = ? WHERE visitor = ? AND contact_id IS NULL");
  expect(backfill.run(7, visitorKey(store.sqlite, FUNNEL, "anon3")).changes).toBeGreaterThan(0);
  expect(backfill.run(7, visitorKey(store.sqlite, FUNNEL, "anon4")).changes).toBeGreaterThan(0);
  await check("back-filled contact", true);

  store.sqlite.query("DELETE FROM events WHERE funnel = ? AND ts < ? AND ts >= ?").run(keyOf(store.sqlite, FUNNEL), BASE + 30 * HOUR, BASE + 20 * HOUR);
  await check("deleted events", true);

  store.sqlite
    .query("UPDATE events SET path = ? WHERE funnel = ? AND path = ?")
    .run(stringId(store.sqlite, "/"), keyOf(store.sqlite, FUNNEL), stringId(store.sqlite, "/about"));
  await check("an edited path", true);

  await sqliteEventStore(store.sqlite).retention.deleteBefore(FUNNEL, BASE + DAY, { pauseMs: 0 });
  await check("retention", true);
  await check("unchanged at last", false);
});

test("a range that reaches into today, or a filtered one, is never kept", async () => {
  const today = Math.floor(NOW / DAY) * DAY;
  const before = reads;
  await stepsReport(counting, FUNNEL, D, { from: today - 2 * DAY, to: today + HOUR, now: NOW });
  await stepsReport(counting, FUNNEL, D, { from: today - 2 * DAY, to: today + HOUR, now: NOW });
  await stepsReport(counting, FUNNEL, D, { from: FROM, to: TO, now: NOW, filters: [{ key: "channel", value: "direct" }] });
  await stepsReport(counting, FUNNEL, D, { from: FROM, to: TO, now: NOW, filters: [{ key: "channel", value: "direct" }] });
  expect(reads - before).toBe(4);
});
