// Property, on both event stores: on random event histories, each store's funnel report
// equals the brute-force reference (./reference.ts), and the two stores give the same
// report on the same history. SQLite gets the rows in its compact layout; ClickHouse (the
// real engine, through the test adapter) gets them in `events`, with contacts both ways it
// knows them: on the event, and from the identify mapping (visitor_contacts) for events
// written before the visitor identified (SQLite back-fills those instead).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { openStore, type Store } from "../../src/db/open";
import { stepsReport, type StepsReport } from "../../src/analytics/steps-report";
import { fromMinorUnits } from "../../src/pipeline/money";
import { SCHEMA_V1 } from "../../src/store/clickhouse/schema-v1";
import { clickhouseJourneyReader } from "../../src/store/clickhouse/journeys/journey-reader";
import type { JourneyReader } from "../../src/store/journey-reader";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { insertEvent } from "../helpers/layout-rows";
import { tempDir } from "../helpers/server";
import { def, MIN, rng } from "./journey-helpers";
import { refReport, refSteps, type RefEvent } from "./reference";

const dir = tempDir("aurea-steps-prop-");
let store: Store;
let ch: TestClickHouse;
let client: ClickHouseClient;

beforeAll(async () => {
  store = openStore(dir);
  ch = await startTestClickHouse();
  client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database });
  for (const statement of SCHEMA_V1) await client.command({ query: statement });
});

afterAll(async () => {
  await client.close();
  await ch.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const DEFS = [
  { window: "1h", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Checkout", event: "checkout_initiated" }, { name: "Purchase", event: "purchase", where: { plan: "pro" } }] },
  { window: "30m", order: "strict", steps: [{ name: "Landing", page: "/" }, { name: "Pricing", page: "/pricing*" }, { name: "Checkout", event: "checkout_*" }, { name: "Paid", event: "$conversion" }] },
  { window: "2h", order: "strict", steps: [{ name: "Home", page: "/" }, { name: "Blog", page: "/blog/*" }, { name: "Home again", page: "/" }] },
  { window: "45m", steps: [{ name: "Any pricing", page: "/pricing*" }, { name: "Team", page: "/pricing/team" }, { name: "Form", event: "form_submit" }, { name: "Buy", event: "purchase" }] },
  { window: "20m", order: "strict", steps: [{ name: "Pricing", page: "/pricing" }, { name: "Form", event: "form_[a-z]*" }, { name: "Pro", event: "purchase", where: { plan: "pro", seats: 2 } }] },
];
const PATHS = ["/", "/", "/pricing", "/pricing/", "/pricing/team", "/about", "/blog/a", "/blog/b/c", "/checkout", null];
const TRACKS = ["checkout_initiated", "checkout_started", "scroll_depth", "section_view", "form_submit", "video"];
const CHANNELS = ["direct", "organic", "paid", null];

type HistoryEvent = Omit<RefEvent, "rowId" | "visitor"> & { anon: string; contactId: number | null; mappedOnly: boolean };

/** A random history (the same for both stores). */
function history(seed: number): HistoryEvent[] {
  const r = rng(seed);
  const base = Date.UTC(2026, 2, 1);
  const anons = Array.from({ length: 1 + r.int(25) }, (_, i) => `anon${i}`);
  // Some anonymous ids belong to a contact, sometimes two ids to the same one (as after identify).
  const contactOf = new Map(anons.map((a) => [a, r.next() < 0.3 ? 1 + r.int(4) : null] as const));
  // ClickHouse: half the contacts' visitors are known on their events, half only through the mapping.
  const mappedOnly = new Map(anons.map((a) => [a, r.next() < 0.5] as const));
  const out: HistoryEvent[] = [];
  const count = r.int(300);
  for (let i = 0; i < count; i++) {
    const anon = r.pick(anons);
    const ts = base + r.int(6 * 60) * MIN + r.pick([0, 0, 1, 999]);
    const kind = r.next();
    const channel = r.pick(CHANNELS);
    let e: Omit<RefEvent, "rowId" | "visitor">;
    // A server-side page view may carry its own name; page steps go by type and path only.
    if (kind < 0.5) e = { ts, type: "page_view", name: r.pick(["page_view", "page_view", "page_view", "Pricing"]), path: r.pick(PATHS), props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.8) e = { ts, type: "track", name: r.pick(TRACKS), path: null, props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.95) {
      const paid = r.next() < 0.7;
      e = {
        ts, type: "conversion", name: r.pick(["purchase", "purchase", "ebook"]), path: null,
        props: { plan: r.pick(["pro", "basic"]), seats: r.pick([1, 2, "2"]) },
        revenueMinor: paid ? 100 + r.int(10_000) : null, currency: paid ? r.pick(["USD", "EUR"]) : null, channel,
      };
    } else e = { ts, type: "identify", name: "identify", path: null, props: null, revenueMinor: null, currency: null, channel };
    out.push({ ...e, anon, contactId: contactOf.get(anon) ?? null, mappedOnly: mappedOnly.get(anon) ?? false });
  }
  return out;
}

interface Side {
  journeys: () => JourneyReader;
  /** Stores the history in the funnel; the row ids it got, in order. */
  write(seed: number, funnelId: string, events: HistoryEvent[]): Promise<number[]>;
}

const SIDES: Record<"sqlite" | "clickhouse", Side> = {
  sqlite: {
    journeys: () => store.events.journeys,
    async write(seed, funnelId, events) {
      return store.sqlite.transaction(() =>
        events.map((e, i) =>
          insertEvent(store.sqlite, {
            funnel_id: funnelId, id: `${seed}-${i}`, type: e.type, name: e.name, ts: e.ts, anonymous_id: e.anon, session_id: `s-${e.anon}`,
            contact_id: e.contactId, path: e.path, props: e.props ? JSON.stringify(e.props) : null, revenue_minor: e.revenueMinor,
            currency: e.currency, channel: e.channel,
          }),
        ),
      )();
    },
  },
  clickhouse: {
    journeys: () => clickhouseJourneyReader(client, store.sqlite),
    async write(seed, funnelId, events) {
      const rowIds = events.map((_, i) => seed * 100_000 + i + 1);
      const rows = events.map((e, i) => ({
        funnel_id: funnelId, id: `${seed}-${i}`, row_id: rowIds[i], type: e.type, name: e.name, ts: e.ts, received_at: e.ts,
        anonymous_id: e.anon, session_id: `s-${e.anon}`, visit_start: e.ts, contact_id: e.mappedOnly ? null : e.contactId,
        path: e.path, props: e.props ? JSON.stringify(e.props) : null, revenue_minor: e.revenueMinor, currency: e.currency, channel: e.channel,
      }));
      if (rows.length) await client.insert({ table: "events", values: rows, format: "JSONEachRow" });
      const linked = new Map(events.filter((e) => e.contactId !== null).map((e) => [e.anon, e.contactId]));
      const links = [...linked].map(([anon, contactId]) => ({ funnel_id: funnelId, anonymous_id: anon, contact_id: contactId, linked_at: Date.UTC(2026, 2, 1) }));
      if (links.length) await client.insert({ table: "visitor_contacts", values: links, format: "JSONEachRow" });
      return rowIds;
    },
  },
};

const toMajor = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([c, v]) => [c, fromMinorUnits(v, c)]));
const SEEDS = 200;
/** Each store's report per seed, for the comparison at the end. */
const reports: Record<string, StepsReport[]> = { sqlite: [], clickhouse: [] };

test.each(["sqlite", "clickhouse"] as const)(
  "%s: the funnel report = brute-force reference, on 200 random histories",
  async (name) => {
    const side = SIDES[name];
    const journeys = side.journeys();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const funnelId = `prop${seed}`;
      const history1 = history(seed);
      const rowIds = await side.write(seed, funnelId, history1);
      const events: RefEvent[] = history1.map(({ anon, contactId, mappedOnly: _, ...e }, i) => ({ ...e, rowId: rowIds[i], visitor: contactId !== null ? `c${contactId}` : `a${anon}` }));
      const r = rng(seed * 7919);
      const d = def(DEFS[seed % DEFS.length]);
      const base = Date.UTC(2026, 2, 1);
      const from = base + r.int(120) * MIN;
      const to = from + (1 + r.int(180)) * MIN;
      const now = base + r.int(10 * 60) * MIN;
      const got = await stepsReport(journeys, funnelId, d, { from, to, now, breakdown: "channel" });
      reports[name].push(got);
      const want = refReport(d, events, from, to, now);
      const where = `${name} seed ${seed}`;
      expect([where, got.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]).toEqual([where, want.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]);
      expect([where, got.steps.map((s) => s.medianSecondsFromPrevious)]).toEqual([where, want.steps.map((s) => (s.medianMs === null ? null : Math.round(s.medianMs) / 1000))]);
      expect([where, got.steps.map((s) => s.revenue)]).toEqual([where, want.steps.map((s) => toMajor(s.revenueMinor))]);
      // Breakdown by the entry's channel (few values: no "other" group).
      const byChannel = new Map<string, typeof want.visitors>();
      for (const v of want.visitors) {
        const k = v.entry.channel ?? "(none)";
        byChannel.set(k, [...(byChannel.get(k) ?? []), v]);
      }
      const wantRows = Object.fromEntries([...byChannel].map(([k, vs]) => [k, refSteps(d, vs).map((s) => s.visitors)]));
      const gotRows = Object.fromEntries((got.breakdown ?? []).map((b) => [b.value, b.steps.map((s) => s.visitors)]));
      expect([where, gotRows]).toEqual([where, wantRows]);
    }
  },
  // 200 reports through the adapter: about 11 s alone, several times that on a loaded machine.
  240_000,
);

test("both stores give the same report on every history", () => {
  expect(reports.sqlite.length).toBe(SEEDS);
  expect(reports.clickhouse.length).toBe(SEEDS);
  for (let i = 0; i < SEEDS; i++) expect([`seed ${i + 1}`, reports.clickhouse[i]]).toEqual([`seed ${i + 1}`, reports.sqlite[i]]);
});
