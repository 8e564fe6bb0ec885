// Lemon Squeezy: X-Signature = hex HMAC-SHA256 of the body; the payload shapes of the
// Lemon Squeezy API (orders, subscription invoices) inside its webhook envelope.
import { describe, expect, test } from "bun:test";
import { SignatureError } from "../../../src/payments/providers/adapter";
import { lemonSqueezySignature } from "../webhook-helpers";
import { deliver, input } from "./contract";

const SECRET = "aurea_lsTestSecret123";

const order = {
  store_id: 1, customer_id: 2, identifier: "104e18a2-d755-4d4b-80c4-a6c1dcbe1c10", order_number: 1001,
  user_name: "Ana", user_email: "ana@example.com", currency: "GBP", currency_rate: "1.2", subtotal: 999, discount_total: 0,
  tax: 200, total: 1199, refunded_amount: 0, status: "paid", refunded: false, refunded_at: null,
  first_order_item: { id: 1, order_id: 1, product_id: 1, variant_id: 1, product_name: "Course", variant_name: "Default", price: 1199 },
  created_at: "2026-11-30T10:00:00.000000Z", updated_at: "2026-11-30T10:00:00.000000Z", test_mode: false,
};

const event = (name: string, id: string, type: string, attributes: object, custom: object = { aurea: "v1_lsRef" }) =>
  JSON.stringify({ meta: { event_name: name, custom_data: custom, webhook_id: "wh_1" }, data: { type, id, attributes } });

const signed = (body: string) => input(body, { "x-signature": lemonSqueezySignature(body, SECRET), "x-event-name": "x" }, { secret: SECRET });

describe("Lemon Squeezy", () => {
  test("signature: hex HMAC of the body; wrong secret, altered body, missing header refused", () => {
    const body = event("order_created", "1", "orders", order);
    expect(() => deliver("lemonsqueezy", signed(body))).not.toThrow();
    expect(() => deliver("lemonsqueezy", input(body, { "x-signature": lemonSqueezySignature(body, "other") }, { secret: SECRET }))).toThrow(SignatureError);
    expect(() => deliver("lemonsqueezy", input(body.replace("1199", "1"), { "x-signature": lemonSqueezySignature(body, SECRET) }, { secret: SECRET }))).toThrow(SignatureError);
    expect(() => deliver("lemonsqueezy", input(body, {}, { secret: SECRET }))).toThrow(SignatureError);
  });

  test("order_created (paid): total, email, product, reference from meta.custom_data.aurea", () => {
    const r = deliver("lemonsqueezy", signed(event("order_created", "1", "orders", order)));
    expect(r.facts[0]).toMatchObject({ kind: "order", orderId: "1", amountMinor: 1199, currency: "GBP", email: "ana@example.com", reference: "v1_lsRef", product: "Course", test: false });
    expect(r.eventId).toBe("order_created:1");
    expect(deliver("lemonsqueezy", signed(event("order_created", "1", "orders", { ...order, status: "pending" }))).facts).toEqual([]);
    expect(deliver("lemonsqueezy", signed(event("order_created", "1", "orders", { ...order, test_mode: true }))).facts[0].test).toBe(true);
  });

  test("order_refunded: cumulative refunded_amount; each partial refund is its own delivery", () => {
    const first = deliver("lemonsqueezy", signed(event("order_refunded", "1", "orders", { ...order, refunded_amount: 500 })));
    const second = deliver("lemonsqueezy", signed(event("order_refunded", "1", "orders", { ...order, refunded_amount: 1199, refunded: true })));
    expect(first.facts[0]).toMatchObject({ kind: "refund", orderId: "1", amountMinor: 500, cumulative: true });
    expect(second.facts[0].amountMinor).toBe(1199);
    expect(first.eventId).not.toBe(second.eventId);
  });

  test("subscription payments: renewals count, the first one is left to order_created", () => {
    const invoice = { store_id: 1, subscription_id: 7, customer_id: 2, user_name: "Ana", user_email: "ana@example.com", billing_reason: "renewal", currency: "USD", status: "paid", refunded: false, refunded_at: null, subtotal: 900, discount_total: 0, tax: 0, total: 900, refunded_amount: 0, created_at: "2026-12-30T10:00:00.000000Z", updated_at: "2026-12-30T10:00:00.000000Z", test_mode: false };
    const renewal = deliver("lemonsqueezy", signed(event("subscription_payment_success", "55", "subscription-invoices", invoice)));
    expect(renewal.facts[0]).toMatchObject({ kind: "order", orderId: "si_55", amountMinor: 900, currency: "USD" });
    expect(deliver("lemonsqueezy", signed(event("subscription_payment_success", "54", "subscription-invoices", { ...invoice, billing_reason: "initial" }))).facts).toEqual([]);
  });
});
