// Property: on random event histories written to ClickHouse (the real engine, through the
// test adapter), the funnel report from the ClickHouse journey reader equals the
// brute-force reference, as tests/steps/property.test.ts checks the SQLite one. Contacts
// come both ways the ClickHouse store knows them: on the event, and from the identify
// mapping (visitor_contacts) for events written before the visitor identified.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { stepsReport } from "../../src/analytics/steps-report";
import { fromMinorUnits } from "../../src/pipeline/money";
import { SCHEMA_V1 } from "../../src/store/clickhouse/schema-v1";
import { clickhouseJourneyReader } from "../../src/store/clickhouse/journeys/journey-reader";
import type { JourneyReader } from "../../src/store/journey-reader";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { def, MIN, rng } from "../steps/journey-helpers";
import { refReport, refSteps, type RefEvent } from "../steps/reference";

let ch: TestClickHouse;
let client: ClickHouseClient;
let journeys: JourneyReader;
const sqlite = new Database(":memory:");

beforeAll(async () => {
  ch = await startTestClickHouse();
  client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database });
  for (const statement of SCHEMA_V1) await client.command({ query: statement });
  journeys = clickhouseJourneyReader(client, sqlite);
});

afterAll(async () => {
  await client.close();
  await ch.close();
  sqlite.close();
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

/** A random history, written to ClickHouse; returned as the reference sees it. */
async function history(seed: number, funnelId: string): Promise<RefEvent[]> {
  const r = rng(seed);
  const base = Date.UTC(2026, 2, 1);
  const anons = Array.from({ length: 1 + r.int(25) }, (_, i) => `anon${i}`);
  const contactOf = new Map(anons.map((a) => [a, r.next() < 0.3 ? 1 + r.int(4) : null] as const));
  // Half the contacts' visitors are known on their events, half only through the mapping.
  const mappedOnly = new Map(anons.map((a) => [a, r.next() < 0.5] as const));
  const out: RefEvent[] = [];
  const rows: Record<string, unknown>[] = [];
  const count = r.int(300);
  for (let i = 0; i < count; i++) {
    const anon = r.pick(anons);
    const ts = base + r.int(6 * 60) * MIN + r.pick([0, 0, 1, 999]);
    const kind = r.next();
    const channel = r.pick(CHANNELS);
    let e: Omit<RefEvent, "rowId" | "visitor">;
    if (kind < 0.5) e = { ts, type: "page_view", name: r.pick(["page_view", "page_view", "Pricing"]), path: r.pick(PATHS), props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.8) e = { ts, type: "track", name: r.pick(TRACKS), path: null, props: null, revenueMinor: null, currency: null, channel };
    else if (kind < 0.95) {
      const paid = r.next() < 0.7;
      e = {
        ts, type: "conversion", name: r.pick(["purchase", "purchase", "ebook"]), path: null,
        props: { plan: r.pick(["pro", "basic"]), seats: r.pick([1, 2, "2"]) },
        revenueMinor: paid ? 100 + r.int(10_000) : null, currency: paid ? r.pick(["USD", "EUR"]) : null, channel,
      };
    } else e = { ts, type: "identify", name: "identify", path: null, props: null, revenueMinor: null, currency: null, channel };
    const contactId = contactOf.get(anon) ?? null;
    const rowId = seed * 100_000 + i + 1;
    rows.push({
      funnel_id: funnelId, id: `${seed}-${i}`, row_id: rowId, type: e.type, name: e.name, ts: e.ts, received_at: e.ts,
      anonymous_id: anon, session_id: `s-${anon}`, visit_start: e.ts, contact_id: mappedOnly.get(anon) ? null : contactId,
      path: e.path, props: e.props ? JSON.stringify(e.props) : null, revenue_minor: e.revenueMinor, currency: e.currency, channel: e.channel,
    });
    out.push({ ...e, rowId, visitor: contactId !== null ? `c${contactId}` : `a${anon}` });
  }
  if (rows.length) await client.insert({ table: "events", values: rows, format: "JSONEachRow" });
  const links = anons.filter((a) => contactOf.get(a) !== null).map((a) => ({ funnel_id: funnelId, anonymous_id: a, contact_id: contactOf.get(a), linked_at: Date.UTC(2026, 2, 1) }));
  if (links.length) await client.insert({ table: "visitor_contacts", values: links, format: "JSONEachRow" });
  return out;
}

const toMajor = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([c, v]) => [c, fromMinorUnits(v, c)]));

test("ClickHouse-backed report = brute-force reference, on 200 random histories", async () => {
  for (let seed = 1; seed <= 200; seed++) {
    const funnelId = `prop${seed}`;
    const events = await history(seed, funnelId);
    const r = rng(seed * 7919);
    const d = def(DEFS[seed % DEFS.length]);
    const base = Date.UTC(2026, 2, 1);
    const from = base + r.int(120) * MIN;
    const to = from + (1 + r.int(180)) * MIN;
    const now = base + r.int(10 * 60) * MIN;
    const got = await stepsReport(journeys, funnelId, d, { from, to, now, breakdown: "channel" });
    const want = refReport(d, events, from, to, now);
    const where = `seed ${seed}`;
    expect([where, got.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]).toEqual([where, want.steps.map((s) => [s.visitors, s.inProgress, s.dropped])]);
    expect([where, got.steps.map((s) => s.medianSecondsFromPrevious)]).toEqual([where, want.steps.map((s) => (s.medianMs === null ? null : Math.round(s.medianMs) / 1000))]);
    expect([where, got.steps.map((s) => s.revenue)]).toEqual([where, want.steps.map((s) => toMajor(s.revenueMinor))]);
    const byChannel = new Map<string, typeof want.visitors>();
    for (const v of want.visitors) {
      const k = v.entry.channel ?? "(none)";
      byChannel.set(k, [...(byChannel.get(k) ?? []), v]);
    }
    const wantRows = Object.fromEntries([...byChannel].map(([k, vs]) => [k, refSteps(d, vs).map((s) => s.visitors)]));
    const gotRows = Object.fromEntries((got.breakdown ?? []).map((b) => [b.value, b.steps.map((s) => s.visitors)]));
    expect([where, gotRows]).toEqual([where, wantRows]);
  }
  // 200 reports through the adapter: about 11 s alone, several times that on a loaded machine.
}, 240_000);
