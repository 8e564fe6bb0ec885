// The same events into a SQLite server and a ClickHouse server give the same visits:
// the writer's decisions (which visit an event joins, what stretches it, what stops a
// bounce, an order counted once) plus the fold of visits_mv read as docs/clickhouse.md
// says equal what the SQLite writer keeps in its sessions.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { revenueMapToMajor } from "../../src/pipeline/money";
import { apiGet, createTestFunnel, eventId, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { queueDrained, rows, startClickHouseServer, type ClickHouseServer } from "./helpers";

let lite: TestServer;
let liteFunnel: TestFunnel;
let s: ClickHouseServer;
let chFunnel: TestFunnel;
const MIN = 60_000;
const T0 = Date.now() - 6 * 60 * MIN;
const ORIGIN = "https://shop.example";

beforeAll(async () => {
  lite = await startTestServer({ rateLimitPerMinute: 0 });
  liteFunnel = createTestFunnel(lite);
  s = await startClickHouseServer();
  chFunnel = createTestFunnel(s.server);
});
afterAll(async () => {
  await lite.stop();
  await s.stop();
});

/** Sends one batch to both servers and waits until both stored it. */
async function both(events: Record<string, unknown>[], opts: { public?: boolean } = {}) {
  const copy = () => events.map((e) => ({ ...e }));
  for (const [server, funnel] of [[lite, liteFunnel], [s.server, chFunnel]] as const) {
    const r = await sendEvents(server, { funnelId: funnel.id, key: opts.public ? funnel.publicKey : funnel.secretKey, events: copy() }, opts.public ? { origin: ORIGIN } : {});
    expect(r.status).toBe(202);
  }
  lite.running.worker!.drain();
  await queueDrained(s.server);
}

const pv = (v: string, min: number, path: string, extra: Record<string, unknown> = {}) => ({ id: eventId(), type: "page_view", anonymousId: v, ts: T0 + min * MIN, url: `${ORIGIN}${path}`, ...extra });

test("visits folded by ClickHouse equal the SQLite writer's sessions", async () => {
  await both([
    pv("v1", 0, "/?utm_source=news&utm_campaign=may", { referrer: "https://mail.example/" }),
    pv("v1", 3, "/pricing"),
    { id: eventId(), type: "track", name: "checkout_started", anonymousId: "v1", ts: T0 + 20 * MIN, url: `${ORIGIN}/pricing` }, // secret key: joins, does not stretch
    { id: eventId(), type: "conversion", name: "purchase", anonymousId: "v1", ts: T0 + 25 * MIN, props: { order_id: "p-1" }, revenue: { amount: 19.5, currency: "EUR" } },
    pv("v1", 90, "/blog"), // 30 minutes idle: a new visit
  ]);
  await both([pv("v1", 1, "/early")]); // late: the visitor's latest visit is the later one, so it opens its own (in both stores)
  await both([pv("v2", 10, "/a", { sessionId: "client-s-1" }), pv("v2", 12, "/b", { sessionId: "client-s-1" })]);
  await both([pv("v2", 14, "/c", { sessionId: "client-s-1" })]); // the client's visit, found again
  await both([pv("v3", 0, "/?utm_source=ads&utm_campaign=a"), pv("v3", 5, "/x"), pv("v3", 6, "/?utm_source=ads&utm_campaign=b")]); // new campaign: new visit
  await both([pv("v4", 30, "/only"), { id: eventId(), type: "track", name: "scroll_depth", anonymousId: "v4", ts: T0 + 31 * MIN, props: { depth: 50 } }]); // passive: still a bounce
  await both([pv("v5", 40, "/signup"), { id: eventId(), type: "identify", anonymousId: "v5", ts: T0 + 41 * MIN, traits: { email: "v5@example.com" } }]);
  await both([pv("v6", 50, "/p"), { id: eventId(), type: "track", name: "clicked", anonymousId: "v6", ts: T0 + 55 * MIN, url: `${ORIGIN}/p` }], { public: true }); // a browser's track stretches
  // The order reported again by the page (rank 0): counts nothing more.
  await both([{ id: eventId(), type: "conversion", name: "purchase", anonymousId: "v6", ts: T0 + 56 * MIN, props: { order_id: "p-1" }, revenue: { amount: 19.5, currency: "EUR" } }], { public: true });

  const fromSqlite = (await apiGet(lite, `/api/v1/funnels/${liteFunnel.id}/sessions?limit=100`, liteFunnel.secretKey)).sessions.map((v: any) => ({
    anonymousId: v.anonymousId, startedAt: v.startedAt, lastAt: v.lastAt, entryPath: v.entryPath, exitPath: v.exitPath,
    pageviews: v.pageviews, events: v.events, bounce: v.bounce, conversions: v.conversions, revenue: v.revenue,
    channel: v.channel, utm_source: v.utm_source, utm_campaign: v.utm_campaign, browser: v.browser, device: v.device,
  }));
  const fromClickHouse = (
    await rows<any>(
      s.client,
      `SELECT any(anonymous_id) AS anonymousId, toUnixTimestamp64Milli(min(started_at)) AS startedAt, toUnixTimestamp64Milli(max(last_at)) AS lastAt,
         nullIf(argMinMerge(entry_path), '') AS entryPath, nullIf(argMaxMerge(exit_path), '') AS exitPath,
         sum(pageviews) AS pv, sum(events) AS ev, pv <= 1 AND max(engaging) = 0 AS bounce,
         sum(conversions) AS conversions, sumMap(revenue) AS revenue, any(channel) AS channel, any(utm_source) AS utm_source,
         any(utm_campaign) AS utm_campaign, any(browser) AS browser, any(device) AS device
       FROM visits WHERE funnel_id = {f:String} GROUP BY funnel_id, visit_start, session_id`,
      { f: chFunnel.id },
    )
  ).map((v) => {
    const [currencies, amounts] = v.revenue as [string[], string[]];
    const minor = Object.fromEntries(currencies.map((c, i) => [c, Number(amounts[i])]).filter(([, n]) => n !== 0));
    return { ...v, startedAt: Number(v.startedAt), lastAt: Number(v.lastAt), pageviews: Number(v.pv), events: Number(v.ev), pv: undefined, ev: undefined, bounce: Boolean(v.bounce), conversions: Number(v.conversions), revenue: revenueMapToMajor(minor) };
  });
  const order = (a: any, b: any) => a.anonymousId.localeCompare(b.anonymousId) || a.startedAt - b.startedAt;
  expect(fromSqlite.length).toBe(9);
  expect(fromClickHouse.sort(order)).toEqual(fromSqlite.sort(order));
});
