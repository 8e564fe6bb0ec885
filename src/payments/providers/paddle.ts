// Paddle Billing: `Paddle-Signature: ts=…;h1=…[;h1=…]`, HMAC-SHA256 of "{ts}:{body}" keyed
// with the notification destination's secret key, hex. Amounts are strings in the
// currency's lowest denomination. The payload does not say sandbox or live: a sandbox
// destination is connected with test mode on.
import { createHmac } from "node:crypto";
import type { PaymentFact } from "../payment";
import {
  checkTimestamp, currencyCode, minorAmount, obj, parseJsonObject, reference, required, safeEqual, SignatureError,
  str, timeMs, type ProviderAdapter, type ReadEvent, type WebhookInput,
} from "./adapter";

export const PADDLE_EVENTS = ["transaction.completed", "adjustment.created", "adjustment.updated"];

function verify({ headers, body, secret, now }: WebhookInput): void {
  const header = headers.get("paddle-signature");
  if (!header) throw new SignatureError("no Paddle-Signature header");
  let ts: string | null = null;
  const h1: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "ts") ts ??= value;
    else if (key === "h1") h1.push(value);
  }
  if (!ts || !/^\d+$/.test(ts) || !h1.length) throw new SignatureError("Paddle-Signature has no ts=… and h1=…");
  const expected = createHmac("sha256", secret ?? "").update(`${ts}:${body}`).digest("hex");
  if (!h1.some((s) => safeEqual(s, expected))) throw new SignatureError("no h1 signature matches this connection's secret key");
  checkTimestamp(Number(ts), now);
}

function read(input: WebhookInput): ReadEvent {
  const event = parseJsonObject(input.body);
  const type = required(event.event_type, "event_type");
  const eventId = required(event.event_id, "event_id");
  const data = obj(event.data);
  const at = timeMs(event.occurred_at, input.now);
  const base = { provider: "paddle" as const, providerEventId: eventId, test: input.testMode, email: null };
  const facts: PaymentFact[] = [];
  let note: string | undefined;

  if (type === "transaction.completed") {
    const totals = obj(obj(data.details).totals);
    const item = obj((data.items as unknown[] | undefined)?.[0]);
    const total = minorAmount(totals.grand_total, "data.details.totals.grand_total");
    if (!total) note = "nothing was paid (grand_total 0)";
    else
      facts.push({
        ...base,
        kind: "order",
        orderId: required(data.id, "data.id"),
        amountMinor: total,
        currency: currencyCode(data.currency_code, "data.currency_code"),
        ts: timeMs(data.billed_at, at),
        reference: reference(obj(data.custom_data).aurea),
        product: str(obj(item.price).name) ?? str(obj(item.price).description),
      });
  } else if (type === "adjustment.created" || type === "adjustment.updated") {
    // A refund counts once approved; its adjustment id keeps created + updated one refund.
    if (data.action !== "refund") note = `adjustment action ${str(data.action) ?? "missing"}: not a refund`;
    else if (data.status !== "approved") note = `refund is ${str(data.status) ?? "missing"}: counted once approved`;
    else
      facts.push({
        ...base,
        kind: "refund",
        orderId: required(data.transaction_id, "data.transaction_id"),
        refundId: required(data.id, "data.id"),
        amountMinor: minorAmount(obj(data.totals).total, "data.totals.total"),
        currency: currencyCode(data.currency_code, "data.currency_code"),
        ts: timeMs(data.updated_at, at),
        reference: null,
      });
  }
  return { type, eventId, facts, note };
}

export const paddle: ProviderAdapter = {
  provider: "paddle",
  label: "Paddle",
  events: PADDLE_EVENTS,
  secret: "required",
  verify,
  read,
};
