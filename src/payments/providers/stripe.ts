// Stripe: `Stripe-Signature: t=…,v1=…[,v1=…][,v0=…]`, HMAC-SHA256 of "{t}.{body}" keyed
// with the endpoint's whole signing secret (whsec_…), hex. Several v1 during a secret
// roll; v0 is the test scheme and is ignored. Amounts are already in minor units.
import { createHmac } from "node:crypto";
import type { PaymentFact } from "../payment";
import {
  checkTimestamp, currencyCode, email, idOf, minorAmount, obj, parseJsonObject, reference, required,
  safeEqual, SignatureError, str, timeMs, type ProviderAdapter, type ReadEvent, type WebhookInput,
} from "./adapter";

export const STRIPE_EVENTS = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "invoice.paid",
  "invoice_payment.paid",
  "charge.refunded",
];

function verify({ headers, body, secret, now }: WebhookInput): void {
  const header = headers.get("stripe-signature");
  if (!header) throw new SignatureError("no Stripe-Signature header");
  let t: string | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") t ??= value;
    else if (key === "v1") v1.push(value);
  }
  if (!t || !/^\d+$/.test(t) || !v1.length) throw new SignatureError("Stripe-Signature has no t=… and v1=… (is this a Stripe webhook?)");
  const expected = createHmac("sha256", secret ?? "").update(`${t}.${body}`).digest("hex");
  if (!v1.some((s) => safeEqual(s, expected))) throw new SignatureError("no v1 signature matches this connection's signing secret");
  checkTimestamp(Number(t), now);
}

function read(input: WebhookInput): ReadEvent {
  const event = parseJsonObject(input.body);
  const type = required(event.type, "type");
  const eventId = required(event.id, "id");
  const object = obj(obj(event.data).object);
  const test = event.livemode === false || input.testMode;
  const at = timeMs(event.created, input.now);
  const base = { provider: "stripe" as const, providerEventId: eventId, test };
  const facts: PaymentFact[] = [];
  const aliases: { alias: string; orderId: string }[] = [];
  let note: string | undefined;

  if (type === "checkout.session.completed" || type === "checkout.session.async_payment_succeeded") {
    if (object.payment_status !== "paid") note = `payment_status is ${str(object.payment_status) ?? "missing"}: counted when paid`;
    else if (!object.amount_total) note = "nothing was paid (amount_total 0)";
    else {
      const metadata = obj(object.metadata);
      facts.push({
        ...base,
        kind: "order",
        // The first invoice of a subscription bought here arrives again as invoice.paid:
        // the invoice id makes both one order.
        orderId: idOf(object.invoice) ?? idOf(object.payment_intent) ?? required(object.id, "data.object.id"),
        amountMinor: minorAmount(object.amount_total, "data.object.amount_total"),
        currency: currencyCode(object.currency, "data.object.currency"),
        ts: at,
        email: email(obj(object.customer_details).email) ?? email(object.customer_email),
        reference: reference(metadata.aurea, object.client_reference_id),
        product: null,
      });
    }
  } else if (type === "invoice.paid") {
    if (!object.amount_paid) note = "nothing was paid (amount_paid 0, e.g. a trial)";
    else {
      // Subscription metadata: `parent.subscription_details` (current API), `subscription_details` (older ones).
      const subscriptionMeta = obj(obj(obj(obj(object.parent).subscription_details).metadata));
      const olderMeta = obj(obj(object.subscription_details).metadata);
      const line = obj((obj(object.lines).data as unknown[] | undefined)?.[0]);
      // A refund names the payment, not the invoice: remember which payment paid it.
      const payments = (obj(object.payments).data as unknown[] | undefined) ?? [];
      for (const p of [object.payment_intent, ...payments.map((x) => obj(obj(x).payment).payment_intent)]) {
        const pi = idOf(p);
        if (pi) aliases.push({ alias: pi, orderId: required(object.id, "data.object.id") });
      }
      facts.push({
        ...base,
        kind: "order",
        orderId: required(object.id, "data.object.id"),
        amountMinor: minorAmount(object.amount_paid, "data.object.amount_paid"),
        currency: currencyCode(object.currency, "data.object.currency"),
        ts: timeMs(obj(object.status_transitions).paid_at, at),
        email: email(object.customer_email),
        reference: reference(obj(object.metadata).aurea, subscriptionMeta.aurea, olderMeta.aurea),
        product: str(line.description),
      });
    }
  } else if (type === "invoice_payment.paid") {
    // Current API versions say which payment intent paid an invoice only here.
    const payment = obj(object.payment);
    const invoice = idOf(object.invoice);
    for (const p of [payment.payment_intent, payment.charge]) {
      const id = idOf(p);
      if (id && invoice) aliases.push({ alias: id, orderId: invoice });
    }
    note = aliases.length ? `links ${aliases.map((a) => a.alias).join(", ")} to ${invoice}` : "no payment intent to link";
  } else if (type === "charge.refunded") {
    const paymentIntent = idOf(object.payment_intent);
    const charge = required(object.id, "data.object.id");
    const lookup = (id: string | null) => (id ? (input.orderFor?.(id) ?? null) : null);
    facts.push({
      ...base,
      kind: "refund",
      // The charge's invoice (older API versions name it), else the invoice its payment
      // paid (invoice_payment.paid / invoice.paid told us), else the payment intent.
      orderId: idOf(object.invoice) ?? lookup(paymentIntent) ?? lookup(charge) ?? paymentIntent ?? charge,
      amountMinor: minorAmount(object.amount_refunded, "data.object.amount_refunded"),
      cumulative: true,
      currency: currencyCode(object.currency, "data.object.currency"),
      ts: at,
      email: email(obj(object.billing_details).email) ?? email(object.receipt_email),
      reference: reference(obj(object.metadata).aurea),
    });
  }
  return { type, eventId, facts, note, aliases };
}

export const stripe: ProviderAdapter = {
  provider: "stripe",
  label: "Stripe",
  events: STRIPE_EVENTS,
  secret: "required",
  verify,
  read,
};
