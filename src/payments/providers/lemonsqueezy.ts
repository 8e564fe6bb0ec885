// Lemon Squeezy: `X-Signature`, hex HMAC-SHA256 of the raw body keyed with the webhook's
// signing secret (chosen when the webhook is made: Aurea can generate one). Amounts are
// integers in the currency's minor units. Deliveries carry no event id of their own:
// one is made from the event name, the object and what changed.
import { createHmac } from "node:crypto";
import type { PaymentFact } from "../payment";
import {
  currencyCode, email, minorAmount, obj, parseJsonObject, reference, required, safeEqual, SignatureError, str, timeMs,
  type ProviderAdapter, type ReadEvent, type WebhookInput,
} from "./adapter";

export const LEMONSQUEEZY_EVENTS = ["order_created", "order_refunded", "subscription_payment_success", "subscription_payment_refunded"];

function verify({ headers, body, secret }: WebhookInput): void {
  const signature = headers.get("x-signature")?.trim();
  if (!signature) throw new SignatureError("no X-Signature header");
  const expected = createHmac("sha256", secret ?? "").update(body).digest("hex");
  if (!safeEqual(signature.toLowerCase(), expected)) throw new SignatureError("X-Signature does not match this connection's signing secret");
}

function read(input: WebhookInput): ReadEvent {
  const event = parseJsonObject(input.body);
  const meta = obj(event.meta);
  const type = required(meta.event_name, "meta.event_name");
  const data = obj(event.data);
  const a = obj(data.attributes);
  const id = required(data.id, "data.id");
  const at = timeMs(a.updated_at, input.now);
  const test = a.test_mode === true || meta.test_mode === true || input.testMode;
  const ref = reference(obj(meta.custom_data).aurea);
  // Subscription invoices and orders are numbered apart: keep their order ids apart.
  const invoiceOrder = `si_${id}`;
  const base = { provider: "lemonsqueezy" as const, test, email: email(a.user_email), reference: ref };
  const facts: PaymentFact[] = [];
  let note: string | undefined;
  let eventId = `${type}:${id}`;

  if (type === "order_created") {
    if (a.status !== "paid") note = `order status is ${str(a.status) ?? "missing"}: counted when paid`;
    else
      facts.push({
        ...base,
        kind: "order",
        providerEventId: eventId,
        orderId: id,
        amountMinor: minorAmount(a.total, "data.attributes.total"),
        currency: currencyCode(a.currency, "data.attributes.currency"),
        ts: timeMs(a.created_at, at),
        product: str(obj(a.first_order_item).product_name),
      });
  } else if (type === "subscription_payment_success") {
    // The first payment of a subscription is an order too (order_created counts it).
    if (a.billing_reason === "initial") note = "the subscription's first payment is counted by order_created";
    else
      facts.push({
        ...base,
        kind: "order",
        providerEventId: eventId,
        orderId: invoiceOrder,
        amountMinor: minorAmount(a.total, "data.attributes.total"),
        currency: currencyCode(a.currency, "data.attributes.currency"),
        ts: timeMs(a.created_at, at),
      });
  } else if (type === "order_refunded" || type === "subscription_payment_refunded") {
    const refunded = minorAmount(a.refunded_amount, "data.attributes.refunded_amount");
    // Each (partial) refund is a new delivery with a larger running total.
    eventId = `${type}:${id}:${refunded}`;
    facts.push({
      ...base,
      kind: "refund",
      providerEventId: eventId,
      orderId: type === "order_refunded" ? id : invoiceOrder,
      amountMinor: refunded,
      cumulative: true,
      currency: currencyCode(a.currency, "data.attributes.currency"),
      ts: timeMs(a.refunded_at, at),
    });
  }
  return { type, eventId, facts, note };
}

export const lemonsqueezy: ProviderAdapter = {
  provider: "lemonsqueezy",
  label: "Lemon Squeezy",
  events: LEMONSQUEEZY_EVENTS,
  secret: "optional",
  verify,
  read,
};
