// Stripe: signed by Stripe's own library; what our docs tell users to paste (the
// endpoint's whsec_ signing secret) is accepted by stripe.webhooks.constructEvent too.
import { describe, expect, test } from "bun:test";
import type Stripe from "stripe";
import { SignatureError } from "../../../src/payments/providers/adapter";
import { stripeClient, stripeEvent, stripeSignature } from "../webhook-helpers";
import { deliver, input } from "./contract";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const session = {
  id: "cs_live_a1",
  object: "checkout.session",
  mode: "payment",
  payment_status: "paid",
  status: "complete",
  amount_total: 4900,
  currency: "usd",
  client_reference_id: "v1_abcDEF-123",
  customer_details: { email: "ana@example.com" } as Stripe.Checkout.Session.CustomerDetails,
  customer_email: null,
  payment_intent: "pi_3Abc",
  invoice: null,
  metadata: {},
} satisfies Partial<Stripe.Checkout.Session>;

async function signed(body: string, over: { secret?: string; timestamp?: number } = {}) {
  const header = await stripeSignature(body, over.secret ?? SECRET, over.timestamp);
  return input(body, { "stripe-signature": header }, { secret: SECRET });
}

describe("Stripe signatures", () => {
  test("Stripe's signer and constructEvent agree with ours on the docs' configuration", async () => {
    const body = stripeEvent("checkout.session.completed", session);
    const i = await signed(body);
    expect(deliver("stripe", i).facts).toHaveLength(1);
    const event = await stripeClient.webhooks.constructEventAsync(body, i.headers.get("stripe-signature")!, SECRET);
    expect(event.type).toBe("checkout.session.completed");
  });

  test("several v1 (a secret being rolled) pass when one matches; v0 is ignored", async () => {
    const body = stripeEvent("checkout.session.completed", session);
    const good = await stripeSignature(body, SECRET);
    const t = good.split(",")[0];
    const v1 = good.split(",")[1];
    const header = `${t},v1=${"0".repeat(64)},${v1},v0=${"f".repeat(64)}`;
    expect(() => deliver("stripe", input(body, { "stripe-signature": header }, { secret: SECRET }))).not.toThrow();
    await stripeClient.webhooks.constructEventAsync(body, header, SECRET);
    const onlyV0 = `${t},v0=${v1.slice(3)}`;
    expect(() => deliver("stripe", input(body, { "stripe-signature": onlyV0 }, { secret: SECRET }))).toThrow(SignatureError);
  });

  test("older than 300 s is refused, like constructEvent does", async () => {
    const body = stripeEvent("checkout.session.completed", session);
    const old = Math.floor(Date.now() / 1000) - 301;
    const i = await signed(body, { timestamp: old });
    expect(() => deliver("stripe", i)).toThrow(/ s old \(tolerance 300 s\)/);
    await expect(stripeClient.webhooks.constructEventAsync(body, i.headers.get("stripe-signature")!, SECRET)).rejects.toThrow();
    expect(() => deliver("stripe", input(body, {}, { secret: SECRET }))).toThrow(SignatureError);
  });
});

describe("Stripe events → payment facts", () => {
  test("checkout.session.completed (paid): an order keyed by its payment intent, reference from client_reference_id", async () => {
    const { facts } = deliver("stripe", await signed(stripeEvent("checkout.session.completed", session)));
    expect(facts[0]).toMatchObject({ kind: "order", provider: "stripe", orderId: "pi_3Abc", amountMinor: 4900, currency: "USD", email: "ana@example.com", reference: "v1_abcDEF-123", test: false });
  });

  test("unpaid sessions wait for async_payment_succeeded; then it counts", async () => {
    const unpaid = deliver("stripe", await signed(stripeEvent("checkout.session.completed", { ...session, payment_status: "unpaid" })));
    expect(unpaid.facts).toEqual([]);
    expect(unpaid.note).toContain("unpaid");
    const paid = deliver("stripe", await signed(stripeEvent("checkout.session.async_payment_succeeded", session)));
    expect(paid.facts[0].orderId).toBe("pi_3Abc");
  });

  test("a subscription's first invoice is one order whether it comes as the session or as invoice.paid", async () => {
    const sub = { ...session, mode: "subscription", payment_intent: null, invoice: "in_1First", client_reference_id: null, metadata: { aurea: "v1_fromMeta" } };
    const fromSession = deliver("stripe", await signed(stripeEvent("checkout.session.completed", sub))).facts[0];
    const invoice = {
      id: "in_1First",
      object: "invoice",
      amount_paid: 4900,
      currency: "usd",
      billing_reason: "subscription_create",
      customer_email: "ana@example.com",
      status_transitions: { paid_at: 1_790_000_000, finalized_at: null, marked_uncollectible_at: null, voided_at: null },
      parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: { aurea: "v1_fromSub" }, subscription: "sub_1" } },
      metadata: {},
    } satisfies Partial<Stripe.Invoice>;
    const fromInvoice = deliver("stripe", await signed(stripeEvent("invoice.paid", invoice))).facts[0];
    expect(fromSession.orderId).toBe("in_1First");
    expect(fromInvoice.orderId).toBe("in_1First");
    expect(fromSession.reference).toBe("v1_fromMeta");
    expect(fromInvoice).toMatchObject({ reference: "v1_fromSub", ts: 1_790_000_000_000, amountMinor: 4900 });
    const renewal = deliver("stripe", await signed(stripeEvent("invoice.paid", { ...invoice, id: "in_2Renew", billing_reason: "subscription_cycle" }))).facts[0];
    expect(renewal.orderId).toBe("in_2Renew");
    const trial = deliver("stripe", await signed(stripeEvent("invoice.paid", { ...invoice, amount_paid: 0 })));
    expect(trial.facts).toEqual([]);
  });

  test("charge.refunded: the cumulative amount_refunded, linked to the payment intent", async () => {
    const charge = {
      id: "ch_1",
      object: "charge",
      amount: 4900,
      amount_refunded: 1000,
      currency: "usd",
      payment_intent: "pi_3Abc",
      refunded: false,
      billing_details: { email: "ana@example.com", address: null, name: null, phone: null, tax_id: null },
      metadata: {},
    } satisfies Partial<Stripe.Charge>;
    const { facts } = deliver("stripe", await signed(stripeEvent("charge.refunded", charge)));
    expect(facts[0]).toMatchObject({ kind: "refund", orderId: "pi_3Abc", amountMinor: 1000, cumulative: true, currency: "USD" });
  });

  test("a refund naming a subscription invoice's payment intent joins that invoice", async () => {
    const known: Record<string, string> = {};
    const link = deliver("stripe", await signed(stripeEvent("invoice_payment.paid", {
      id: "inpay_1", object: "invoice_payment", invoice: "in_1First", amount_paid: 4900, currency: "usd",
      payment: { type: "payment_intent", payment_intent: "pi_sub1" },
    } satisfies Partial<Stripe.InvoicePayment>)));
    expect(link.facts).toEqual([]);
    for (const a of link.aliases ?? []) known[a.alias] = a.orderId;
    expect(known).toEqual({ pi_sub1: "in_1First" });
    const paidWithPayments = deliver("stripe", await signed(stripeEvent("invoice.paid", { id: "in_2", amount_paid: 900, currency: "usd", payments: { object: "list", data: [{ payment: { type: "payment_intent", payment_intent: "pi_sub2" } }] } })));
    expect(paidWithPayments.aliases).toEqual([{ alias: "pi_sub2", orderId: "in_2" }]);
    const refund = { id: "ch_sub", object: "charge", amount_refunded: 4900, currency: "usd", payment_intent: "pi_sub1", metadata: {} };
    const i = { ...(await signed(stripeEvent("charge.refunded", refund))), orderFor: (id: string) => known[id] ?? null };
    expect(deliver("stripe", i).facts[0].orderId).toBe("in_1First");
  });

  test("zero-decimal currencies stay in Stripe's minor units (JPY 5000 = ¥5000)", async () => {
    const { facts } = deliver("stripe", await signed(stripeEvent("checkout.session.completed", { ...session, currency: "jpy", amount_total: 5000 })));
    expect(facts[0]).toMatchObject({ amountMinor: 5000, currency: "JPY" });
  });

  test("livemode false is a test payment", async () => {
    const { facts } = deliver("stripe", await signed(stripeEvent("checkout.session.completed", session, { livemode: false })));
    expect(facts[0].test).toBe(true);
  });

  test("a client_reference_id that is not an Aurea reference is not taken for one", async () => {
    const { facts } = deliver("stripe", await signed(stripeEvent("checkout.session.completed", { ...session, client_reference_id: "user 42 <script>" })));
    expect(facts[0].reference).toBeNull();
  });
});
