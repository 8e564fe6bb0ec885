// /api/v1/funnels/:id/payments with the funnel's secret key: the CLI's fields over HTTP.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { post, stripeEvent, stripeSignature } from "./webhook-helpers";

let server: TestServer;
let funnel: TestFunnel;
let other: TestFunnel;
const SECRET = "whsec_YXBpIHRlc3Qgc2VjcmV0IGZvciBzdHJpcGU=";

const api = (path = "", init: RequestInit = {}, key = funnel.secretKey) =>
  fetch(`${server.url}/api/v1/funnels/${funnel.id}/payments${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers ?? {}) } });

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  other = createTestFunnel(server);
});
afterAll(() => server.stop());

test("POST connects and answers the webhook URL; GET lists it with the secret masked", async () => {
  const res = await api("", { method: "POST", body: JSON.stringify({ provider: "stripe", secret: SECRET }) });
  expect(res.status).toBe(201);
  const url = `${server.url}/api/payments/stripe/${funnel.id}`;
  expect(await res.json()).toEqual({ provider: "stripe", funnelId: funnel.id, url });

  const body = stripeEvent("checkout.session.completed", { id: "cs_1", payment_status: "paid", amount_total: 100, currency: "eur", payment_intent: "pi_api" });
  expect((await post(url, body, { "stripe-signature": await stripeSignature(body, SECRET) })).status).toBe(200);

  const list = await api();
  const text = await list.text();
  expect(text).not.toContain(SECRET);
  const { connections } = JSON.parse(text);
  expect(connections).toHaveLength(1);
  expect(connections[0]).toMatchObject({ provider: "stripe", funnelId: funnel.id, url, secret: "whsec_YXBp…", testMode: false, events: expect.arrayContaining(["charge.refunded"]) });
  expect(connections[0].lastDelivery).toMatchObject({ outcome: "verified", eventType: "checkout.session.completed" });

  const log = await (await api("/stripe/deliveries")).json();
  expect(log.deliveries[0].outcome).toBe("verified");
});

test("the webhook URL follows the public URL the request came through (no --public-url set)", async () => {
  const res = await api("", { method: "POST", body: JSON.stringify({ provider: "gumroad" }), headers: { host: "aurea.example:8443" } });
  expect((await res.json()).url).toMatch(/^http:\/\/aurea\.example:8443\/api\/payments\/gumroad\/fn_[^/]+\/[A-Za-z0-9_-]{32}$/);
});

test("clear 4xx: no key, another funnel's key, bad JSON, unknown provider, missing secret, DELETE twice", async () => {
  expect((await fetch(`${server.url}/api/v1/funnels/${funnel.id}/payments`)).status).toBe(401);
  expect((await api("", {}, other.secretKey)).status).toBe(401);
  const bad = await api("", { method: "POST", body: "{nope" });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error.code).toBe("invalid_json");
  const unknown = await api("", { method: "POST", body: JSON.stringify({ provider: "paypal" }) });
  expect(unknown.status).toBe(400);
  expect((await unknown.json()).error.code).toBe("invalid_provider");
  const missing = await api("", { method: "POST", body: JSON.stringify({ provider: "whop" }) });
  expect((await missing.json()).error.code).toBe("missing_secret");
  expect((await api("/stripe", { method: "DELETE" })).status).toBe(204);
  const again = await api("/stripe", { method: "DELETE" });
  expect(again.status).toBe(404);
  expect((await again.json()).error.code).toBe("not_connected");
});

test("deleting a funnel removes its connections, delivery log and order aliases", async () => {
  const { deleteFunnelData } = await import("../../src/funnels/delete");
  const doomed = createTestFunnel(server);
  const res = await fetch(`${server.url}/api/v1/funnels/${doomed.id}/payments`, {
    method: "POST",
    headers: { authorization: `Bearer ${doomed.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ provider: "stripe", secret: SECRET }),
  });
  const { url } = await res.json();
  const link = stripeEvent("invoice_payment.paid", { id: "inpay_d", invoice: "in_d", payment: { type: "payment_intent", payment_intent: "pi_d" } });
  await post(url, link, { "stripe-signature": await stripeSignature(link, SECRET) });
  const count = (sql: string) => (server.ctx.store.sqlite.query(sql).get(doomed.id) as { n: number }).n;
  expect(count("SELECT count(*) AS n FROM payment_order_aliases WHERE funnel_id = ?")).toBe(1);
  deleteFunnelData(server.ctx.store, doomed.id);
  expect(count("SELECT count(*) AS n FROM payment_connections WHERE funnel_id = ?")).toBe(0);
  expect(count("SELECT count(*) AS n FROM payment_order_aliases WHERE funnel_id = ?")).toBe(0);
  expect((server.ctx.store.sqlite.query("SELECT count(*) AS n FROM payment_deliveries WHERE connection_id NOT IN (SELECT id FROM payment_connections)").get() as { n: number }).n).toBe(0);
});
