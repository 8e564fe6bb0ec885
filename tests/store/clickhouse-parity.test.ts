// Parity: the same events, sent through the ingest API to a server on SQLite and to one on
// ClickHouse (the real engine behind the test adapter), read back through each store's
// readers give the same numbers: totals, the chart, every panel, the live card, lists,
// one visit, one contact, revenue orders, the read API's stats and the funnel report.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { DIMENSION_KEYS } from "../../src/analytics/dimensions";
import type { Filter, Scope } from "../../src/analytics/filters";
import { stepsReport } from "../../src/analytics/steps-report";
import { parseClickHouseUrl } from "../../src/store/clickhouse/connection";
import type { EventStore } from "../../src/store/event-store";
import { def } from "../steps/journey-helpers";
import { startTestClickHouse, type TestClickHouse } from "../helpers/clickhouse";
import { createTestFunnel, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.now();
const SHOP = "https://shop.example";

interface Side {
  server: TestServer;
  funnel: TestFunnel;
  events: EventStore;
}

let ch: TestClickHouse;
let sqlite: Side;
let clickhouse: Side;

/** A day and a half of a small shop: campaigns, devices, a returning visitor who identifies, server-side purchases, a refund-free order reported twice. */
function story(): { key: "public" | "secret"; ua?: string; events: Record<string, unknown>[] }[] {
  const out: { key: "public" | "secret"; ua?: string; events: Record<string, unknown>[] }[] = [];
  const mobile = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
  for (let v = 0; v < 24; v++) {
    const anon = `anon-${v}`;
    const day = v % 4;
    // Within the last two days: public events much older are clamped to their arrival time, which differs between the servers.
    const start = NOW - (day * 10 + 4) * 60 * MIN + v * 7 * MIN;
    const session = `s-${v}`;
    const src = ["?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", "?utm_source=newsletter", "", ""][v % 4];
    const events: Record<string, unknown>[] = [
      { id: id(), type: "page_view", anonymousId: anon, sessionId: session, ts: start, url: `${SHOP}/${v % 3 === 0 ? "pricing" : ""}${src}`, referrer: v % 4 === 2 ? "https://www.google.com/" : undefined },
    ];
    if (v % 2 === 0) events.push({ id: id(), type: "page_view", anonymousId: anon, sessionId: session, ts: start + MIN, url: `${SHOP}/pricing` });
    if (v % 3 === 0) events.push({ id: id(), type: "track", name: "checkout_initiated", anonymousId: anon, sessionId: session, ts: start + 2 * MIN, url: `${SHOP}/pricing`, props: { plan: v % 2 ? "basic" : "pro", seats: v % 5 } });
    if (v % 6 === 0) events.push({ id: id(), type: "conversion", name: "purchase", anonymousId: anon, sessionId: session, ts: start + 3 * MIN, url: `${SHOP}/thanks`, revenue: { amount: 49 + v, currency: "EUR" } });
    if (v % 8 === 1) events.push({ id: id(), type: "track", name: "scroll_depth", anonymousId: anon, sessionId: session, ts: start + 90_000, url: `${SHOP}/`, props: { depth: 50 } });
    if (v % 5 === 4) events.push({ id: id(), type: "identify", userId: `user-${v}`, traits: { email: `v${v}@example.com`, name: `V ${v}` }, anonymousId: anon, sessionId: session, ts: start + 4 * MIN, url: `${SHOP}/` });
    out.push({ key: "public", ua: v % 3 === 1 ? mobile : undefined, events });
    if (v % 5 === 4) {
      // A later visit, then a purchase reported by the server for the identified visitor.
      out.push({ key: "public", events: [{ id: id(), type: "page_view", anonymousId: anon, sessionId: `${session}-b`, ts: start + 2 * 60 * MIN, url: `${SHOP}/pricing` }] });
      out.push({ key: "secret", events: [{ id: id(), type: "conversion", name: "purchase", anonymousId: anon, sessionId: `${session}-b`, ts: start + 2 * 60 * MIN + MIN, revenue: { amount: 100, currency: "USD" }, traits: { email: `v${v}@example.com` } }] });
    }
  }
  return out;
}

async function startSide(clickhouseUrl: string | null): Promise<Side> {
  const server = await startTestServer(
    clickhouseUrl ? { processingThread: true, rateLimitPerMinute: 0, eventStore: parseClickHouseUrl(clickhouseUrl) } : { eventStore: null, rateLimitPerMinute: 0 },
  );
  const funnel = createTestFunnel(server);
  let total = 0;
  for (const batch of story()) {
    const headers: Record<string, string> = batch.key === "secret" ? { authorization: `Bearer ${funnel.secretKey}` } : { origin: SHOP, ...(batch.ua ? { "user-agent": batch.ua } : {}) };
    const r = await sendEvents(server, { funnelId: funnel.id, ...(batch.key === "public" ? { key: funnel.publicKey } : {}), events: batch.events }, headers);
    if (r.status !== 202) throw new Error(`send: ${r.status} ${JSON.stringify(r.json)}`);
    total += batch.events.length;
  }
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= total, 60_000);
  return { server, funnel, events: server.ctx.store.events };
}

beforeAll(async () => {
  ch = await startTestClickHouse();
  [sqlite, clickhouse] = await Promise.all([startSide(null), startSide(ch.eventsUrl)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sqlite?.server.stop(), clickhouse?.server.stop()]);
  await ch?.close();
});

/** The same question to both stores (each with its own funnel id); answers made comparable. */
async function both<T>(ask: (side: Side) => T | Promise<T>, shape: (x: Awaited<T>) => unknown = (x) => x): Promise<[unknown, unknown]> {
  return [shape(await ask(sqlite)), shape(await ask(clickhouse))];
}

const scopeOf = (side: Side, filters: Filter[] = []): Scope => ({ funnelId: side.funnel.id, from: NOW - 7 * DAY, to: NOW + MIN, filters });
const FILTERS: [string, Filter[]][] = [
  ["no filter", []],
  ["source=facebook", [{ key: "source", value: "facebook" }]],
  ["page=/pricing", [{ key: "page", value: "/pricing" }]],
  ["device=mobile", [{ key: "device", value: "mobile" }]],
  ["source=facebook, event=checkout_initiated", [{ key: "source", value: "facebook" }, { key: "event", value: "checkout_initiated" }]],
  ["referrer=none", [{ key: "referrer", value: "" }]],
];

for (const [label, filters] of FILTERS) {
  test(`totals, chart and every panel agree (${label})`, async () => {
    const [a, b] = await both((s) => s.events.dashboard.overview({ scope: scopeOf(s, filters), previous: { from: NOW - 14 * DAY, to: NOW - 7 * DAY }, historyStart: null, knownVisitors: null, now: NOW }));
    expect(b).toEqual(a);
    expect((a as { current: { tally: { visits: number } } }).current.tally.visits).toBeGreaterThan(0);
    for (const metric of ["visitors", "pageviews", "conversions", "revenue"] as const) {
      for (const [bucket, tz] of [["day", "Europe/Berlin"], ["hour", "Asia/Kolkata"]] as const) {
        const [x, y] = await both(
          (s) => s.events.dashboard.series({ scope: scopeOf(s, filters), bucket, tz, metric, historyStart: null, now: NOW }),
          (series) => ({ ...series, totalVisitors: null }),
        );
        expect([metric, bucket, y]).toEqual([metric, bucket, x]);
      }
    }
    for (const dim of DIMENSION_KEYS) {
      const [x, y] = await both((s) => s.events.dashboard.breakdown({ scope: scopeOf(s, filters), dim, limit: 50, now: NOW }));
      expect([dim, y]).toEqual([dim, x]);
    }
  });
}

test("lists, one visit, one contact, CSV, event properties and the live card agree", async () => {
  const scope = (s: Side) => scopeOf(s);
  const [sa, sb] = await both((s) => s.events.dashboard.browseSessions({ scope: scope(s), limit: 100, before: null }));
  expect(sb).toEqual(sa);
  const sessionId = "s-4";
  const [va, vb] = await both((s) => s.events.dashboard.session({ funnelId: s.funnel.id, sessionId }), (x) => x && { ...x, events: x.events.map((e) => ({ ...e, id: e.id })) });
  expect(vb).toEqual(va);
  expect(va).not.toBeNull();
  const [ca, cb] = await both((s) => s.events.dashboard.browseContacts({ scope: scope(s), limit: 100, before: null }));
  expect(cb).toEqual(ca);
  expect((ca as { contacts: unknown[] }).contacts.length).toBeGreaterThan(0);
  const contactId = (ca as { contacts: { id: number }[] }).contacts[0].id;
  const [pa, pb] = await both(
    (s) => s.events.dashboard.contact({ funnelId: s.funnel.id, contactId }),
    (x) => x && { ...x, contact: { ...x.contact, visitorIds: [...x.contact.visitorIds].sort(), identifiedAt: x.contact.identifiedAt !== null } },
  );
  expect(pb).toEqual(pa);
  for (const kind of ["events", "sessions", "contacts"] as const) {
    const [xa, xb] = await both((s) => s.events.dashboard.exportPage({ kind, scope: scope(s), tz: "Europe/Berlin", before: null }));
    expect([kind, xb]).toEqual([kind, xa]);
  }
  const [ea, eb] = await both((s) => s.events.dashboard.eventProps({ scope: scope(s), name: "checkout_initiated" }));
  expect(eb).toEqual(ea);
  const [na, nb] = await both((s) => s.events.dashboard.liveNow({ funnelId: s.funnel.id, now: NOW }));
  expect(nb).toEqual(na);
  const [ka, kb] = await both((s) => s.events.dashboard.funnelCards({ now: NOW + MIN }), (m) => m.get([...m.keys()].find((k) => k === sqlite.funnel.id || k === clickhouse.funnel.id)!));
  expect(kb).toEqual(ka);
  const [ta, tb] = await both((s) => s.events.dashboard.stats({ funnelId: s.funnel.id, range: { from: NOW - 7 * DAY, to: NOW + MIN } }));
  expect(tb).toEqual(ta);
  const [la, lb] = await both((s) => s.events.dashboard.live({ funnelId: s.funnel.id, filters: [], after: null, now: NOW, limit: 20 }), (x) => x.events.map(({ rowId: _, ...e }) => e));
  expect(lb).toEqual(la);
});

test("revenue orders agree, last and first touch, by every breakdown", async () => {
  for (const model of ["last_touch", "first_touch"] as const) {
    for (const breakdown of ["channel", "utm_source", "utm_campaign", "landing_page"] as const) {
      const sort = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
      const [a, b] = await both((s) => s.events.dashboard.revenueOrders({ funnelId: s.funnel.id, from: NOW - 7 * DAY, to: NOW + MIN, model, breakdown, includeTest: true }), sort);
      expect([model, breakdown, b]).toEqual([model, breakdown, a]);
    }
  }
});

test("the funnel report and its drill-down agree", async () => {
  const d = def({ window: "1d", steps: [{ name: "Visit", page: "/*" }, { name: "Pricing", page: "/pricing" }, { name: "Checkout", event: "checkout_*", where: { plan: "pro" } }, { name: "Buy", event: "$conversion" }] });
  for (const breakdown of [undefined, "channel", "landing_page", "device"] as const) {
    for (const order of ["sequential", "strict"] as const) {
      const [a, b] = await both((s) => stepsReport(s.events.journeys, s.funnel.id, { ...d, order }, { from: NOW - 7 * DAY, to: NOW + MIN, now: NOW, breakdown, compare: true }));
      expect([breakdown, order, b]).toEqual([breakdown, order, a]);
      expect((a as { steps: { visitors: number }[] }).steps.map((x) => x.visitors > 0)).toEqual([true, true, true, true]);
    }
  }
  const [ia, ib] = await both(async (s) => {
    const who = await s.events.journeys.visitorIdentities(s.funnel.id, ["aanon-0", "aanon-3", "c1"]);
    const entries = await s.events.journeys.visitorEntries(s.funnel.id, [{ visitor: "aanon-0", enteredAt: NOW }, { visitor: "c1", enteredAt: NOW }]);
    return { who, entries };
  });
  expect(ib).toEqual(ia);
  const [ka, kb] = await both((s) => s.events.journeys.checkSteps(s.funnel.id, [...d.steps, { name: "Typo", page: "/pricng" }], NOW));
  expect(kb).toEqual(ka);
  const [ga, gb] = await both((s) => s.events.journeys.suggestSteps(s.funnel.id));
  expect(gb).toEqual(ga);
});
