// The payment webhook route through a real server: only correctly signed deliveries are
// queued, every bad one gets a clear 4xx and a delivery-log line, and nothing else.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { getConnection } from "../../src/payments/connections";
import { recentDeliveries } from "../../src/payments/deliveries";
import { paymentRoutes } from "../../src/payments/webhook-route";
import { batchesEverQueued, connect, post, stripeEvent, stripeSignature } from "./webhook-helpers";

const SECRET = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;
let server: TestServer;
let funnel: TestFunnel;
let url: string;

const paidSession = (ref = "r_abc123") =>
  stripeEvent("checkout.session.completed", {
    id: "cs_test_1",
    object: "checkout.session",
    payment_status: "paid",
    amount_total: 4900,
    currency: "usd",
    client_reference_id: ref,
    customer_details: { email: "ana@example.com" },
    payment_intent: "pi_1",
    invoice: null,
    metadata: {},
  });

function log() {
  const c = getConnection(server.ctx.store.db, funnel.id, "stripe")!;
  return recentDeliveries(server.ctx.store.sqlite, c.id, 100);
}

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  url = connect(server, funnel.id, "stripe", SECRET).url;
});
afterAll(() => server.stop());

describe("POST /api/payments/stripe/:funnelId", () => {
  test("a signed paid checkout session is queued, answered 200 and logged as verified", async () => {
    const before = batchesEverQueued(server);
    const body = paidSession();
    const res = await post(url, body, { "stripe-signature": await stripeSignature(body, SECRET) });
    expect(res.status).toBe(200);
    expect(res.json.recorded).toBe(1);
    expect(batchesEverQueued(server)).toBe(before + 1);
    const queued = server.ctx.store.queue.query("SELECT key_kind, payload FROM ingest_batches ORDER BY id DESC LIMIT 1").get() as { key_kind: string; payload: string } | null;
    if (queued) {
      expect(queued.key_kind).toBe("payment");
      expect(JSON.parse(queued.payload)[0]).toMatchObject({ kind: "order", orderId: "pi_1", amountMinor: 4900, currency: "USD", reference: "r_abc123" });
    }
    expect(log()[0]).toMatchObject({ outcome: "verified", eventType: "checkout.session.completed" });
  });

  test("the same delivery three times is queued once and logged as duplicate", async () => {
    const before = batchesEverQueued(server);
    const body = paidSession();
    const signature = await stripeSignature(body, SECRET);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(url, body, { "stripe-signature": signature }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(batchesEverQueued(server)).toBe(before + 1);
    expect(log().slice(0, 3).map((d) => d.outcome)).toEqual(["duplicate", "duplicate", "verified"]);
  });

  const bad: [string, () => Promise<{ body: string; headers: Record<string, string>; target?: string }>, number, string][] = [
    ["wrong secret", async () => { const body = paidSession(); return { body, headers: { "stripe-signature": await stripeSignature(body, "whsec_d3Jvbmc=") } }; }, 400, "bad_signature"],
    ["no signature", async () => ({ body: paidSession(), headers: {} }), 400, "bad_signature"],
    ["stale timestamp", async () => { const body = paidSession(); return { body, headers: { "stripe-signature": await stripeSignature(body, SECRET, Math.floor(Date.now() / 1000) - 301) } }; }, 400, "bad_signature"],
    ["altered body", async () => { const body = paidSession(); const s = await stripeSignature(body, SECRET); return { body: body.replace("4900", "9900"), headers: { "stripe-signature": s } }; }, 400, "bad_signature"],
    ["non-JSON, unsigned", async () => ({ body: "amount=4900", headers: {} }), 400, "bad_signature"],
    ["non-JSON, signed", async () => ({ body: "amount=4900", headers: { "stripe-signature": await stripeSignature("amount=4900", SECRET) } }), 400, "invalid_json"],
    ["unknown funnel", async () => { const body = paidSession(); return { body, headers: { "stripe-signature": await stripeSignature(body, SECRET) }, target: `${server.url}/api/payments/stripe/fn_nope` }; }, 404, "not_connected"],
    ["unknown provider", async () => ({ body: "{}", headers: {}, target: `${server.url}/api/payments/paypal/${funnel.id}` }), 404, "unknown_provider"],
    ["provider not connected", async () => ({ body: "{}", headers: {}, target: `${server.url}/api/payments/paddle/${funnel.id}` }), 404, "not_connected"],
    ["body over 1 MB", async () => ({ body: JSON.stringify({ pad: "x".repeat(1024 * 1024) }), headers: {} }), 413, "payload_too_large"],
  ];
  for (const [name, make, status, code] of bad) {
    test(`${name}: ${status} ${code}, nothing queued`, async () => {
      const before = batchesEverQueued(server);
      const { body, headers, target } = await make();
      const res = await post(target ?? url, body, headers);
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBe(code);
      expect(typeof res.json.error.message).toBe("string");
      expect(batchesEverQueued(server)).toBe(before);
    });
  }

  test("bad signatures leave a line in the delivery log saying why", () => {
    const lines = log().filter((d) => d.outcome === "bad_signature").map((d) => d.message);
    expect(lines.some((m) => m.includes("no v1 signature matches"))).toBe(true);
    expect(lines.some((m) => m.includes("s old"))).toBe(true);
    expect(lines.some((m) => m.includes("no Stripe-Signature header"))).toBe(true);
  });

  test("a streamed body over 1 MB is cut off with 413 before it is all read", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream({
      pull(c) {
        if (sent >= 4 * 1024 * 1024) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const res = await fetch(url, { method: "POST", body: stream, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });

  test("other event types are answered 200 ignored, and logged", async () => {
    const body = stripeEvent("customer.created", { id: "cus_1", object: "customer" });
    const res = await post(url, body, { "stripe-signature": await stripeSignature(body, SECRET) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ignored: "customer.created" });
    expect(log()[0]).toMatchObject({ outcome: "ignored", eventType: "customer.created" });
  });

  test("a refund of a subscription payment is recorded against its invoice", async () => {
    const link = stripeEvent("invoice_payment.paid", { id: "inpay_9", object: "invoice_payment", invoice: "in_9Sub", payment: { type: "payment_intent", payment_intent: "pi_9Sub" } });
    expect((await post(url, link, { "stripe-signature": await stripeSignature(link, SECRET) })).status).toBe(200);
    const refund = stripeEvent("charge.refunded", { id: "ch_9", object: "charge", amount_refunded: 500, currency: "usd", payment_intent: "pi_9Sub", metadata: {} });
    expect((await post(url, refund, { "stripe-signature": await stripeSignature(refund, SECRET) })).status).toBe(200);
    expect(log()[0]).toMatchObject({ outcome: "verified", eventType: "charge.refunded", message: "refund in_9Sub 500 USD" });
  });

  test("after all that the server still takes a good delivery", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const body = paidSession("r_after");
    const res = await post(url, body, { "stripe-signature": await stripeSignature(body, SECRET) });
    expect(res.status).toBe(200);
  });
});

test("a payment that cannot be stored is answered 503 so the provider retries, and logged", async () => {
  const routes = paymentRoutes(server.ctx, { record: () => Promise.reject(new Error("disk full")) });
  const body = paidSession("r_fail");
  const request = new Request(url, { method: "POST", body, headers: { "stripe-signature": await stripeSignature(body, SECRET) } });
  const res = await routes["/api/payments/:provider/:funnelId"].POST(Object.assign(request, { params: { provider: "stripe", funnelId: funnel.id } }));
  expect(res.status).toBe(503);
  expect((await res.json()).error.code).toBe("not_stored");
  expect(log()[0]).toMatchObject({ outcome: "error" });
  expect(log()[0].message).toContain("disk full");
});
