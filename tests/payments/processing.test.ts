// Payment facts → events, through the real queue and worker: joins, idempotency,
// superseded page reports, refunds, test mode, currencies.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { eventsOf, order, record, refund, sessionOf, visit } from "./payment-helpers";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";

let server: TestServer;
let funnel: TestFunnel;
const sql = () => server.ctx.store.sqlite;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

async function pageConversion(v: { anonymousId: string; sessionId: string }, orderId: string, amount = 49) {
  const r = await sendEvents(
    server,
    {
      funnelId: funnel.id, key: funnel.publicKey,
      events: [{ id: crypto.randomUUID(), type: "conversion", name: "purchase", anonymousId: v.anonymousId, sessionId: v.sessionId, url: "https://shop.example/thanks", revenue: { amount, currency: "USD" }, props: { order_id: orderId } }],
    },
    { origin: "https://shop.example" },
  );
  expect(r.status).toBe(202);
  server.running.worker!.drain();
}

const contactRevenue = (id: number) => JSON.parse(sql().query<{ revenue: string }, [number]>("SELECT revenue FROM contacts WHERE id = ?").get(id)!.revenue);

describe("orders", () => {
  test("joined to the visit the reference names; contact created from the email and linked", async () => {
    const v = await visit(server, funnel, "https://shop.example/?utm_source=newsletter");
    await record(server, funnel.id, [order({ orderId: "pi_join", reference: v.reference, email: "Ann@Example.com", product: "Pro plan" })]);
    const [e] = eventsOf(sql(), funnel.id, "pi_join");
    expect(e).toMatchObject({ id: "pay:stripe:pi_join", type: "conversion", revenue_minor: 4900, currency: "USD", verified: 1, session_id: v.sessionId, anonymous_id: v.anonymousId });
    expect(JSON.parse(e.props!)).toMatchObject({ provider: "stripe", order_id: "pi_join", product: "Pro plan" });
    const s = sessionOf(sql(), funnel.id, v.sessionId)!;
    expect(s).toMatchObject({ conversions: 1, converted: 1 });
    expect(JSON.parse(s.revenue)).toEqual({ USD: 4900 });
    const c = sql().query<{ id: number; email: string }, [string]>("SELECT id, email FROM contacts WHERE funnel_id = ? AND email = 'ann@example.com'").get(funnel.id)!;
    expect(e.contact_id).toBe(c.id);
    expect(s.contact_id).toBe(c.id);
    expect(contactRevenue(c.id)).toEqual({ USD: 4900 });
    const utm = sql().query<{ utm_source: string }, [string]>(`SELECT utm_source FROM (${WIDE_EVENTS_SQL}) WHERE id = ?`).get(e.id)!;
    expect(utm.utm_source).toBe("newsletter");
  });

  test("delivered three times (and re-queued): stored and counted once", async () => {
    const v = await visit(server, funnel, "https://shop.example/");
    const f = order({ orderId: "pi_thrice", reference: v.reference });
    for (let i = 0; i < 3; i++) await record(server, funnel.id, [{ ...f, providerEventId: `evt_${i}` }]);
    expect(eventsOf(sql(), funnel.id, "pi_thrice")).toHaveLength(1);
    expect(sessionOf(sql(), funnel.id, v.sessionId)).toMatchObject({ conversions: 1, revenue: '{"USD":4900}' });
  });

  test("a page report of the same order is superseded: revenue counted once, as verified", async () => {
    const v = await visit(server, funnel, "https://shop.example/");
    await pageConversion(v, "pi_page_first");
    expect(JSON.parse(sessionOf(sql(), funnel.id, v.sessionId)!.revenue)).toEqual({ USD: 4900 });
    await record(server, funnel.id, [order({ orderId: "pi_page_first", amountMinor: 5100, reference: v.reference })]);
    const rows = eventsOf(sql(), funnel.id, "pi_page_first");
    expect(rows.map((r) => [r.verified, r.revenue_minor, r.flags])).toEqual([[0, null, "superseded"], [1, 5100, null]]);
    expect(JSON.parse(sessionOf(sql(), funnel.id, v.sessionId)!.revenue)).toEqual({ USD: 5100 });
  });

  test("a page report after the verified order, and a second page report, carry no revenue", async () => {
    const v = await visit(server, funnel, "https://shop.example/");
    await record(server, funnel.id, [order({ orderId: "pi_verified_first", reference: v.reference })]);
    await pageConversion(v, "pi_verified_first");
    await pageConversion(v, "pi_verified_first");
    const rows = eventsOf(sql(), funnel.id, "pi_verified_first");
    expect(rows.map((r) => r.revenue_minor)).toEqual([4900, null, null]);
    expect(JSON.parse(sessionOf(sql(), funnel.id, v.sessionId)!.revenue)).toEqual({ USD: 4900 });

    const w = await visit(server, funnel, "https://shop.example/");
    await pageConversion(w, "ord_pages");
    await pageConversion(w, "ord_pages");
    expect(eventsOf(sql(), funnel.id, "ord_pages").map((r) => r.revenue_minor)).toEqual([4900, null]);
    expect(JSON.parse(sessionOf(sql(), funnel.id, w.sessionId)!.revenue)).toEqual({ USD: 4900 });
  });

  test("without a reference: the contact's latest visit by email; else no visit", async () => {
    const v = await visit(server, funnel, "https://shop.example/?utm_source=ads", [{ type: "identify", traits: { email: "bob@example.com" } }]);
    await record(server, funnel.id, [order({ orderId: "pi_email", email: "bob@example.com" })]);
    expect(eventsOf(sql(), funnel.id, "pi_email")[0]).toMatchObject({ session_id: v.sessionId, anonymous_id: v.anonymousId });

    await record(server, funnel.id, [order({ orderId: "pi_nobody", email: "carol@example.com", reference: "not-a-reference" })]);
    const [e] = eventsOf(sql(), funnel.id, "pi_nobody");
    expect(e).toMatchObject({ session_id: "nv:stripe:pi_nobody", revenue_minor: 4900, verified: 1 });
    expect(sessionOf(sql(), funnel.id, e.session_id)).toBeNull();
    const carol = sql().query<{ id: number }, [string]>("SELECT id FROM contacts WHERE funnel_id = ? AND email = 'carol@example.com'").get(funnel.id)!;
    expect(e.contact_id).toBe(carol.id);
    expect(sql().query("SELECT 1 FROM contact_visitors WHERE contact_id = ?").get(carol.id)).toBeNull();
  });

  test("test-mode payments are stored with their amount and count nowhere", async () => {
    const v = await visit(server, funnel, "https://shop.example/");
    await record(server, funnel.id, [order({ orderId: "pi_test", reference: v.reference, test: true, amountMinor: 777 })]);
    const [e] = eventsOf(sql(), funnel.id, "pi_test");
    expect(e.revenue_minor).toBeNull();
    expect(JSON.parse(e.props!)).toMatchObject({ test: true, amount_minor: 777 });
    expect(sessionOf(sql(), funnel.id, v.sessionId)).toMatchObject({ conversions: 0, revenue: "{}" });
  });

  test("zero-decimal currencies keep their minor units", async () => {
    await record(server, funnel.id, [order({ orderId: "pi_yen", currency: "JPY", amountMinor: 5000 })]);
    expect(eventsOf(sql(), funnel.id, "pi_yen")[0]).toMatchObject({ revenue_minor: 5000, currency: "JPY" });
  });

  test("a tracked event cannot take a payment's id", async () => {
    const r = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events: [{ id: "pay:stripe:pi_squat", type: "track", name: "x", anonymousId: "v", url: "https://shop.example/" }] }, { origin: "https://shop.example" });
    expect(r.status).toBe(202);
    server.running.worker!.drain();
    await record(server, funnel.id, [order({ orderId: "pi_squat" })]);
    expect(eventsOf(sql(), funnel.id, "pi_squat")[0]).toMatchObject({ id: "pay:stripe:pi_squat", revenue_minor: 4900 });
  });
});

describe("refunds", () => {
  test("partial refunds by id count once each, in the order's visit", async () => {
    const v = await visit(server, funnel, "https://shop.example/");
    await record(server, funnel.id, [order({ orderId: "pi_ref", reference: v.reference, amountMinor: 10000 })]);
    const r1 = refund({ orderId: "pi_ref", refundId: "re_1", amountMinor: 2500 });
    await record(server, funnel.id, [r1]);
    await record(server, funnel.id, [r1, refund({ orderId: "pi_ref", refundId: "re_2", amountMinor: 500 })]);
    const refunds = eventsOf(sql(), funnel.id, "pi_ref").filter((r) => r.type === "refund");
    expect(refunds.map((r) => [r.revenue_minor, r.session_id, r.verified])).toEqual([[-2500, v.sessionId, 1], [-500, v.sessionId, 1]]);
  });

  test("cumulative refunds become increments; a repeated total adds nothing", async () => {
    await record(server, funnel.id, [order({ orderId: "ch_cum", amountMinor: 10000 })]);
    const cum = (total: number) => refund({ orderId: "ch_cum", amountMinor: total, cumulative: true });
    await record(server, funnel.id, [cum(1000)]);
    await record(server, funnel.id, [cum(2500)]);
    await record(server, funnel.id, [cum(2500)]);
    await record(server, funnel.id, [cum(1000)]);
    const refunds = eventsOf(sql(), funnel.id, "ch_cum").filter((r) => r.type === "refund");
    expect(refunds.map((r) => r.revenue_minor)).toEqual([-1000, -1500]);
  });

  test("a refund of an order never seen is kept, with no visit", async () => {
    await record(server, funnel.id, [refund({ orderId: "pi_unknown", refundId: "re_x", amountMinor: 300 })]);
    expect(eventsOf(sql(), funnel.id, "pi_unknown")[0]).toMatchObject({ type: "refund", revenue_minor: -300, session_id: "nv:stripe:pi_unknown" });
  });
});
