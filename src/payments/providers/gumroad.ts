// Gumroad: the Ping is form-encoded and unsigned. Aurea generates a long random token
// for the webhook URL and keeps only its SHA-256, so the URL itself is the secret
// (shown once; adding Gumroad again makes a new one). `price` is in minor units;
// `url_params[aurea]` carries the checkout reference from a decorated link.
import type { PaymentFact } from "../payment";
import {
  currencyCode, email, minorAmount, PayloadError, reference, safeEqual, sha256Hex, SignatureError, timeMs,
  type ProviderAdapter, type ReadEvent, type WebhookInput,
} from "./adapter";

/** Gumroad sends sales and refunds to the Ping URL; nothing to tick besides it. */
export const GUMROAD_EVENTS = ["sale", "refund"];

function verify({ tokenHash, urlToken }: WebhookInput): void {
  if (!tokenHash || !urlToken || !safeEqual(sha256Hex(urlToken), tokenHash)) {
    throw new SignatureError("the token in the URL is not this connection's (add Gumroad again for a new URL)");
  }
}

function read(input: WebhookInput): ReadEvent {
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(input.body);
  } catch {
    throw new PayloadError("the body is not form-encoded");
  }
  const saleId = form.get("sale_id");
  if (!saleId) {
    const type = form.get("resource_name") ?? "ping";
    return { type, eventId: `${type}:${form.get("subscription_id") ?? ""}`, facts: [] };
  }
  const refunded = form.get("refunded") === "true";
  const type = refunded ? "refund" : "sale";
  const currency = currencyCode(form.get("currency"), "currency");
  const base = {
    provider: "gumroad" as const,
    providerEventId: `${type}:${saleId}`,
    orderId: saleId,
    amountMinor: minorAmount(form.get("price"), "price"),
    currency,
    ts: timeMs(form.get("sale_timestamp"), input.now),
    email: email(form.get("email")),
    reference: reference(form.get("url_params[aurea]")),
    test: form.get("test") === "true" || input.testMode,
  };
  const fact: PaymentFact = refunded
    // A refund ping repeats the sale: the whole price is what has been refunded by now.
    ? { ...base, kind: "refund", cumulative: true, ts: input.now }
    : { ...base, kind: "order", product: form.get("product_name") };
  return { type, eventId: base.providerEventId, facts: [fact] };
}

export const gumroad: ProviderAdapter = {
  provider: "gumroad",
  label: "Gumroad",
  events: GUMROAD_EVENTS,
  secret: "none",
  verify,
  read,
};
