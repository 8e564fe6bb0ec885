// Whop: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
// checked by the `standardwebhooks` library. Whop shows its secret as plain text and
// keys the HMAC with those bytes; a `whsec_…` secret is the standard base64 key.
// Amounts are decimals in the currency's major unit.
import { Webhook } from "standardwebhooks";
import { currencyDigits } from "../../pipeline/money";
import type { PaymentFact } from "../payment";
import {
  currencyCode, email, num, obj, parseJsonObject, PayloadError, reference, required, SignatureError, str, timeMs,
  type ProviderAdapter, type ReadEvent, type WebhookInput,
} from "./adapter";

export const WHOP_EVENTS = ["payment.succeeded", "refund.created"];

export function whopVerifier(secret: string): Webhook {
  return secret.startsWith("whsec_") ? new Webhook(secret) : new Webhook(secret, { format: "raw" });
}

function verify({ headers, body, secret }: WebhookInput): void {
  const wanted = ["webhook-id", "webhook-timestamp", "webhook-signature"];
  const missing = wanted.filter((h) => !headers.get(h));
  if (missing.length) throw new SignatureError(`missing header ${missing.join(", ")} (Standard Webhooks)`);
  try {
    whopVerifier(secret ?? "").verify(body, Object.fromEntries(wanted.map((h) => [h, headers.get(h)!])), { jsonParse: false });
  } catch (e) {
    const message = (e as Error).message;
    throw new SignatureError(/timestamp/i.test(message) ? `${message} (tolerance 300 s)` : `${message}: the signature does not match this connection's secret`);
  }
}

/** A decimal in major units (10.43) → minor units of the currency, exactly. */
function decimalToMinor(v: unknown, currency: string, field: string): number {
  const n = num(v);
  if (n === null || n < 0) throw new PayloadError(`${field}: expected a non-negative amount`);
  return Math.round(Number((n * 10 ** currencyDigits(currency)).toFixed(2)));
}

function read(input: WebhookInput): ReadEvent {
  const event = parseJsonObject(input.body);
  const type = required(event.type, "type");
  const eventId = input.headers.get("webhook-id") ?? required(event.id, "id");
  const data = obj(event.data);
  const at = timeMs(event.timestamp, input.now);
  const base = { provider: "whop" as const, providerEventId: eventId, test: input.testMode };
  const facts: PaymentFact[] = [];
  let note: string | undefined;

  if (type === "payment.succeeded") {
    const currency = currencyCode(data.currency, "data.currency");
    const amount = decimalToMinor(data.total ?? data.subtotal, currency, "data.total");
    if (!amount) note = "nothing was paid (total 0)";
    else
      facts.push({
        ...base,
        kind: "order",
        orderId: required(data.id, "data.id"),
        amountMinor: amount,
        currency,
        ts: timeMs(data.paid_at, timeMs(data.created_at, at)),
        email: email(obj(data.user).email),
        reference: reference(obj(data.metadata).aurea),
        product: str(obj(data.product).title),
      });
  } else if (type === "refund.created") {
    const payment = obj(data.payment);
    const status = str(data.status);
    if (status === "failed" || status === "canceled") note = `refund is ${status}`;
    else {
      const currency = currencyCode(data.currency, "data.currency");
      facts.push({
        ...base,
        kind: "refund",
        orderId: required(payment.id, "data.payment.id"),
        refundId: required(data.id, "data.id"),
        amountMinor: decimalToMinor(data.amount, currency, "data.amount"),
        currency,
        ts: timeMs(data.created_at, at),
        email: null,
        reference: reference(obj(payment.metadata).aurea),
      });
    }
  }
  return { type, eventId, facts, note };
}

export const whop: ProviderAdapter = {
  provider: "whop",
  label: "Whop",
  events: WHOP_EVENTS,
  secret: "required",
  verify,
  read,
};
