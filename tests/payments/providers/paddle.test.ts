// Paddle Billing: ts:body HMAC, checked against Paddle's own SDK validator; shapes typed
// with the SDK's notification types.
import { beforeAll, describe, expect, test } from "bun:test";
import * as paddleSdk from "@paddle/paddle-node-sdk";
import { Webhooks, type IAdjustmentNotificationResponse, type ITransactionNotificationResponse } from "@paddle/paddle-node-sdk";
import { SignatureError } from "../../../src/payments/providers/adapter";
import { paddleSignature } from "../webhook-helpers";
import { deliver, input } from "./contract";

const SECRET = "pdl_ntfset_01hv8wjt4x9y_kq3Zr5u6Vw7Xy8Zab9CdEfGhIjKlMnOp";

const transaction = {
  id: "txn_01hv8m0mnx3sj85e7gxc6kga03",
  status: "completed",
  customer_id: "ctm_01hv8m0mnx",
  custom_data: { aurea: "v1_paddleRef" },
  currency_code: "EUR",
  origin: "web",
  collection_mode: "automatic",
  billed_at: "2026-11-30T10:00:00.000Z",
  items: [],
  payments: [],
  details: {
    tax_rates_used: [],
    line_items: [],
    totals: { subtotal: "4000", discount: "0", tax: "760", total: "4760", credit: "0", credit_to_balance: "0", balance: "0", grand_total: "4760", grand_total_tax: "760", fee: null, earnings: null, currency_code: "EUR" },
  },
  created_at: "2026-11-30T09:59:00.000Z",
  updated_at: "2026-11-30T10:00:00.000Z",
} satisfies Partial<ITransactionNotificationResponse>;

const adjustment = {
  id: "adj_01hv8m0",
  action: "refund",
  type: "partial",
  transaction_id: transaction.id,
  customer_id: "ctm_01hv8m0mnx",
  reason: "customer asked",
  credit_applied_to_balance: false,
  currency_code: "EUR",
  status: "pending_approval",
  items: [],
  totals: { subtotal: "1000", tax: "190", total: "1190", retained_fee: "0", fee: "0", earnings: "0", currency_code: "EUR" },
  created_at: "2026-12-01T10:00:00.000Z",
  updated_at: "2026-12-01T10:00:00.000Z",
} satisfies Partial<IAdjustmentNotificationResponse>;

const event = (type: string, data: unknown) =>
  JSON.stringify({ event_id: `evt_${crypto.randomUUID()}`, event_type: type, occurred_at: "2026-11-30T10:00:01.000Z", notification_id: "ntf_1", data });

const signed = (body: string, testMode = false) => input(body, { "paddle-signature": paddleSignature(body, SECRET) }, { secret: SECRET, testMode });

// Under Bun the SDK resolves to its edge build (EdgeRuntime); its types describe the Node build.
beforeAll(() => ((paddleSdk as unknown as { EdgeRuntime?: { initialize(): void } }).EdgeRuntime ?? paddleSdk.NodeRuntime).initialize());

describe("Paddle signatures", () => {
  test("a signature Paddle's SDK accepts is accepted; several h1 pass when one matches", async () => {
    const body = event("transaction.completed", transaction);
    const header = paddleSignature(body, SECRET);
    expect(await new Webhooks().isSignatureValid(body, SECRET, header)).toBe(true);
    expect(() => deliver("paddle", signed(body))).not.toThrow();
    const rolled = `${header.split(";")[0]};h1=${"a".repeat(64)};${header.split(";")[1]}`;
    expect(() => deliver("paddle", input(body, { "paddle-signature": rolled }, { secret: SECRET }))).not.toThrow();
  });

  test("wrong secret, altered body, stale ts and no header are refused", async () => {
    const body = event("transaction.completed", transaction);
    const wrong = paddleSignature(body, "pdl_ntfset_other");
    expect(await new Webhooks().isSignatureValid(body, SECRET, wrong)).toBe(false);
    expect(() => deliver("paddle", input(body, { "paddle-signature": wrong }, { secret: SECRET }))).toThrow(SignatureError);
    expect(() => deliver("paddle", input(body.replace("4760", "9999"), { "paddle-signature": paddleSignature(body, SECRET) }, { secret: SECRET }))).toThrow(SignatureError);
    const stale = paddleSignature(body, SECRET, Math.floor(Date.now() / 1000) - 600);
    expect(() => deliver("paddle", input(body, { "paddle-signature": stale }, { secret: SECRET }))).toThrow(/ s old \(tolerance 300 s\)/);
    expect(() => deliver("paddle", input(body, {}, { secret: SECRET }))).toThrow(SignatureError);
  });
});

describe("Paddle events → payment facts", () => {
  test("transaction.completed: grand_total in minor units, reference from custom_data.aurea", () => {
    const { facts } = deliver("paddle", signed(event("transaction.completed", transaction)));
    expect(facts[0]).toMatchObject({ kind: "order", provider: "paddle", orderId: transaction.id, amountMinor: 4760, currency: "EUR", reference: "v1_paddleRef", ts: Date.parse("2026-11-30T10:00:00.000Z"), test: false });
  });

  test("a refund counts once approved, keyed by its adjustment id; credits do not count", () => {
    const pending = deliver("paddle", signed(event("adjustment.created", adjustment)));
    expect(pending.facts).toEqual([]);
    expect(pending.note).toContain("pending_approval");
    const approved = deliver("paddle", signed(event("adjustment.updated", { ...adjustment, status: "approved" }))).facts[0];
    expect(approved).toMatchObject({ kind: "refund", orderId: transaction.id, refundId: "adj_01hv8m0", amountMinor: 1190, currency: "EUR" });
    expect(deliver("paddle", signed(event("adjustment.created", { ...adjustment, action: "credit", status: "approved" }))).facts).toEqual([]);
  });

  test("a sandbox connection records test payments; other events are ignored", () => {
    expect(deliver("paddle", signed(event("transaction.completed", transaction), true)).facts[0].test).toBe(true);
    const other = deliver("paddle", signed(event("subscription.created", {})));
    expect(other).toMatchObject({ type: "subscription.created", facts: [] });
  });
});
