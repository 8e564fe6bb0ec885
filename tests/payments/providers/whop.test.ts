// Whop: Standard Webhooks, signed here by the `standardwebhooks` library; shapes from
// @whop/sdk's PaymentSucceededWebhookEvent / RefundCreatedWebhookEvent.
import { describe, expect, test } from "bun:test";
import { SignatureError } from "../../../src/payments/providers/adapter";
import { whopHeaders } from "../webhook-helpers";
import { deliver, input } from "./contract";

const RAW_SECRET = "ws_3f0c2a9b8e7d6c5b4a39281706f5e4d3c2b1a0";
const STANDARD_SECRET = `whsec_${Buffer.from("a standard webhooks key, 32 bytes").toString("base64")}`;

const payment = {
  id: "pay_abc123", status: "paid", substatus: "succeeded", currency: "usd", total: 49.99, subtotal: 49.99, usd_total: 49.99,
  paid_at: "2026-11-30T10:00:00.000Z", created_at: "2026-11-30T09:59:00.000Z", metadata: { aurea: "v1_whopRef" },
  user: { id: "user_1", email: "ana@example.com", name: "Ana", username: "ana" }, product: { id: "prod_1", title: "Community", route: "c", metadata: null },
};
const event = (type: string, data: object) => JSON.stringify({ id: `msg_${crypto.randomUUID()}`, api_version: "v1", type, timestamp: new Date().toISOString(), data });

describe("Whop", () => {
  test("Standard Webhooks signatures: Whop's plain secret and a whsec_ secret both verify", () => {
    const body = event("payment.succeeded", payment);
    expect(() => deliver("whop", input(body, whopHeaders(body, RAW_SECRET), { secret: RAW_SECRET }))).not.toThrow();
    expect(() => deliver("whop", input(body, whopHeaders(body, STANDARD_SECRET), { secret: STANDARD_SECRET }))).not.toThrow();
  });

  test("wrong secret, altered body, stale timestamp and missing headers are refused", () => {
    const body = event("payment.succeeded", payment);
    expect(() => deliver("whop", input(body, whopHeaders(body, "ws_other"), { secret: RAW_SECRET }))).toThrow(SignatureError);
    expect(() => deliver("whop", input(body.replace("49.99", "0.01"), whopHeaders(body, RAW_SECRET), { secret: RAW_SECRET }))).toThrow(SignatureError);
    const old = whopHeaders(body, RAW_SECRET, "msg_old", new Date(Date.now() - 10 * 60_000));
    expect(() => deliver("whop", input(body, old, { secret: RAW_SECRET }))).toThrow(/too old/);
    expect(() => deliver("whop", input(body, {}, { secret: RAW_SECRET }))).toThrow(/missing header/);
  });

  test("payment.succeeded: decimal total → minor units, metadata.aurea, the webhook-id as event id", () => {
    const body = event("payment.succeeded", payment);
    const headers = whopHeaders(body, RAW_SECRET, "msg_fixed");
    const r = deliver("whop", input(body, headers, { secret: RAW_SECRET }));
    expect(r.eventId).toBe("msg_fixed");
    expect(r.facts[0]).toMatchObject({ kind: "order", orderId: "pay_abc123", amountMinor: 4999, currency: "USD", email: "ana@example.com", reference: "v1_whopRef", product: "Community" });
    const yen = event("payment.succeeded", { ...payment, currency: "jpy", total: 5000 });
    expect(deliver("whop", input(yen, whopHeaders(yen, RAW_SECRET), { secret: RAW_SECRET })).facts[0]).toMatchObject({ amountMinor: 5000, currency: "JPY" });
  });

  test("refund.created: linked to its payment, counted once by refund id; failed refunds do not count", () => {
    const refund = { id: "rfnd_1", amount: 10.43, currency: "usd", status: "succeeded", created_at: "2026-12-01T10:00:00.000Z", payment: { id: "pay_abc123", metadata: { aurea: "v1_whopRef" } } };
    const body = event("refund.created", refund);
    const r = deliver("whop", input(body, whopHeaders(body, RAW_SECRET), { secret: RAW_SECRET }));
    expect(r.facts[0]).toMatchObject({ kind: "refund", orderId: "pay_abc123", refundId: "rfnd_1", amountMinor: 1043, currency: "USD" });
    const failed = event("refund.created", { ...refund, status: "failed" });
    expect(deliver("whop", input(failed, whopHeaders(failed, RAW_SECRET), { secret: RAW_SECRET })).facts).toEqual([]);
  });
});
