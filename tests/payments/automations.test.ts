// A verified payment fires the conversion trigger, with verified: true in the payload.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import type { TestServer } from "../helpers/server";
import { Receiver, eventually } from "../automations/receiver";
import { createRule, createTestFunnel, startHookServer } from "../automations/setup";
import { order, record, visit } from "./payment-helpers";

setDefaultTimeout(120_000);

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startHookServer({ rateLimitPerMinute: 0 });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  receiver.stop();
});

test("a payment fires a verified-only conversion rule once, however often delivered", async () => {
  const funnel = createTestFunnel(server);
  const path = `/hook/${funnel.id}`;
  const rule = await createRule(server, funnel, {
    name: "Paid",
    trigger: { type: "conversion", verifiedOnly: true },
    action: { type: "webhook", url: `${receiver.url}${path}` },
  });
  const v = await visit(server, funnel, "https://shop.example/?utm_source=newsletter");
  const f = order({ orderId: "pi_auto", amountMinor: 1999, currency: "EUR", reference: v.reference, email: "dana@example.com" });
  await record(server, funnel.id, [f]);
  await record(server, funnel.id, [{ ...f, providerEventId: "evt_again" }]);
  const got = () => receiver.requests.filter((r) => r.path === path);
  const [req] = await eventually(() => got().length >= 1 && got(), 10_000, "a delivery");
  const payload = new Webhook(rule.secret).verify(req.body, req.headers) as any;
  expect(payload.data.event).toMatchObject({ type: "conversion", name: "purchase", verified: true, revenue: { amount: 19.99, currency: "EUR" }, props: { provider: "stripe", order_id: "pi_auto" } });
  expect(payload.data.session).toMatchObject({ utm_source: "newsletter" });
  expect(payload.data.contact).toMatchObject({ email: "dana@example.com" });
  await Bun.sleep(300);
  expect(got()).toHaveLength(1);
});
