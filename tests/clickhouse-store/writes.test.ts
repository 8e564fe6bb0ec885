// Events sent through the HTTP ingest API land in ClickHouse exactly once, across
// retries, with their visits folded by the materialized view and identify kept as a
// visitor → contact link.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestFunnel, eventId, sendEvents, type TestFunnel } from "../helpers/server";
import { queueDrained, rows, startClickHouseServer, until, type ClickHouseServer } from "./helpers";

let s: ClickHouseServer;
let funnel: TestFunnel;
const MIN = 60_000;

beforeAll(async () => {
  s = await startClickHouseServer();
  funnel = createTestFunnel(s.server);
});
afterAll(() => s.stop());

async function send(events: unknown[]) {
  const r = await sendEvents(s.server, { funnelId: funnel.id, key: funnel.secretKey, events });
  expect(r.status).toBe(202);
}

async function countEvents(where = "1"): Promise<{ n: number; ids: number }> {
  const [r] = await rows<{ n: string; ids: string }>(s.client, `SELECT count() AS n, uniqExact(id) AS ids FROM events WHERE funnel_id = {f:String} AND ${where}`, { f: funnel.id });
  return { n: Number(r.n), ids: Number(r.ids) };
}

test("a batch sent three times (a browser's retries) is stored once, its visit folded once", async () => {
  const t0 = Date.now() - 2 * 60 * MIN;
  const batch = [
    { id: eventId(), type: "page_view", anonymousId: "v-once", ts: t0, url: "https://shop.example/?utm_source=news&utm_campaign=may" },
    { id: eventId(), type: "page_view", anonymousId: "v-once", ts: t0 + 2 * MIN, url: "https://shop.example/pricing" },
    { id: eventId(), type: "track", name: "signup", anonymousId: "v-once", ts: t0 + 3 * MIN, url: "https://shop.example/pricing" },
  ];
  await send(batch);
  await send(batch);
  await queueDrained(s.server);
  await send(batch); // after the first copies are stored: found by id and dropped
  await queueDrained(s.server);
  expect(await countEvents("anonymous_id = 'v-once'")).toEqual({ n: 3, ids: 3 });
  const visits = await rows<any>(
    s.client,
    `SELECT session_id, sum(pageviews) AS pageviews, sum(events) AS events, max(engaging) AS engaging,
       toUnixTimestamp64Milli(min(started_at)) AS started, toUnixTimestamp64Milli(max(last_at)) AS last,
       nullIf(argMinMerge(entry_path), '') AS entry, nullIf(argMaxMerge(exit_path), '') AS exit, any(utm_source) AS utm_source
     FROM visits WHERE funnel_id = {f:String} AND anonymous_id = 'v-once' GROUP BY funnel_id, visit_start, session_id`,
    { f: funnel.id },
  );
  expect(visits).toHaveLength(1);
  expect(visits[0]).toMatchObject({ pageviews: "2", events: "3", engaging: 1, entry: "/", exit: "/pricing", utm_source: "news" });
  expect(Number(visits[0].started)).toBe(t0);
  expect(Number(visits[0].last)).toBe(t0 + 2 * MIN); // a secret-key track event joins the visit, it does not stretch it
});

test("many batches at once are stored exactly once each, in few inserts", async () => {
  const ids: string[] = [];
  const sends: Promise<void>[] = [];
  for (let b = 0; b < 40; b++) {
    const events = Array.from({ length: 25 }, (_, i) => {
      const id = eventId();
      ids.push(id);
      return { id, type: "page_view", anonymousId: `v-bulk-${b}`, ts: Date.now() - 60_000 + i, url: `https://shop.example/p/${i}` };
    });
    sends.push(send(events));
    if (b % 3 === 0) sends.push(send(events)); // some twice
  }
  await Promise.all(sends);
  await queueDrained(s.server);
  expect(await countEvents("startsWith(anonymous_id, 'v-bulk-')")).toEqual({ n: ids.length, ids: ids.length });
  const [v] = await rows<{ n: string }>(s.client, "SELECT count() AS n FROM (SELECT session_id FROM visits WHERE funnel_id = {f:String} AND startsWith(anonymous_id, 'v-bulk-') GROUP BY funnel_id, visit_start, session_id)", { f: funnel.id });
  expect(Number(v.n)).toBe(40);
});

test("identify links the visitor to a contact in ClickHouse (earlier events join it at read time); the contact stays in SQLite", async () => {
  const t0 = Date.now() - 30 * MIN;
  await send([{ id: eventId(), type: "page_view", anonymousId: "v-ident", ts: t0, url: "https://shop.example/" }]);
  await queueDrained(s.server);
  await send([{ id: eventId(), type: "identify", anonymousId: "v-ident", ts: t0 + MIN, traits: { email: "ada@example.com" } }]);
  await queueDrained(s.server);
  const contact = s.server.ctx.store.sqlite.query<{ id: number }, [string]>("SELECT id FROM contacts WHERE funnel_id = ? AND email = 'ada@example.com'").get(funnel.id);
  expect(contact).not.toBeNull();
  const joined = await rows<{ path: string | null; contact: string | null }>(
    s.client,
    `SELECT e.path AS path, coalesce(e.contact_id, vc.contact_id) AS contact FROM events AS e
     LEFT JOIN (SELECT anonymous_id, argMax(contact_id, linked_at) AS contact_id FROM visitor_contacts WHERE funnel_id = {f:String} GROUP BY anonymous_id) AS vc
       ON vc.anonymous_id = e.anonymous_id
     WHERE e.funnel_id = {f:String} AND e.anonymous_id = 'v-ident' ORDER BY e.ts`,
    { f: funnel.id },
  );
  expect(joined.map((r) => Number(r.contact))).toEqual([contact!.id, contact!.id]);
});

test("an order reported by the page, then by the founder's backend: the better report's revenue counts, once", async () => {
  const t0 = Date.now() - 20 * MIN;
  const page = await sendEvents(
    s.server,
    {
      funnelId: funnel.id,
      key: funnel.publicKey,
      events: [
        { id: eventId(), type: "page_view", anonymousId: "v-order", ts: t0, url: "https://shop.example/" },
        { id: eventId(), type: "conversion", name: "purchase", anonymousId: "v-order", ts: t0 + MIN, props: { order_id: "o-1" }, revenue: { amount: 10, currency: "EUR" } },
      ],
    },
    { origin: "https://shop.example" },
  );
  expect(page.status).toBe(202);
  await queueDrained(s.server);
  const first = await rows<{ revenue_minor: string | null }>(s.client, "SELECT revenue_minor FROM events WHERE funnel_id = {f:String} AND order_id = 'o-1'", { f: funnel.id });
  expect(first.map((r) => r.revenue_minor)).toEqual(["1000"]);
  // The backend's report (secret key: verified) outranks the page's.
  await send([{ id: eventId(), type: "conversion", name: "purchase", anonymousId: "v-order", ts: t0 + 2 * MIN, props: { order_id: "o-1" }, revenue: { amount: 12, currency: "EUR" } }]);
  await queueDrained(s.server);
  const both = await rows<{ revenue_minor: string | null; flags: string | null }>(s.client, "SELECT revenue_minor, flags FROM events WHERE funnel_id = {f:String} AND order_id = 'o-1' ORDER BY ts", { f: funnel.id });
  expect(both).toEqual([{ revenue_minor: null, flags: "superseded" }, { revenue_minor: "1200", flags: null }]);
  const visits = await rows<{ conversions: string; revenue: [string[], string[]] }>(
    s.client,
    "SELECT sum(conversions) AS conversions, sumMap(revenue) AS revenue FROM visits WHERE funnel_id = {f:String} AND anonymous_id = 'v-order' GROUP BY funnel_id, visit_start, session_id",
    { f: funnel.id },
  );
  expect(visits).toEqual([{ conversions: "2", revenue: [["EUR"], ["1200"]] }]);
  // A third report, the page's again, counts nothing.
  await sendEvents(s.server, { funnelId: funnel.id, key: funnel.publicKey, events: [{ id: eventId(), type: "conversion", name: "purchase", anonymousId: "v-order", ts: t0 + 3 * MIN, props: { order_id: "o-1" }, revenue: { amount: 10, currency: "EUR" } }] }, { origin: "https://shop.example" });
  await queueDrained(s.server);
  const [total] = await rows<{ r: string }>(s.client, "SELECT sum(revenue_minor) AS r FROM events WHERE funnel_id = {f:String} AND order_id = 'o-1'", { f: funnel.id });
  expect(total.r).toBe("1200");
});
