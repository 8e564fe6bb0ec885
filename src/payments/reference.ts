// The checkout reference: the SDK's visitor id and session id (two UUIDs), written as
// their 64 hex digits without dashes, which a payment provider carries back in its
// webhook (e.g. Stripe's client_reference_id). It fits every provider's reference
// field (≤ 64 characters of [A-Za-z0-9_-]), names the visit and nothing else, and costs
// the browser SDK one line (sdk/src/checkout.ts). Anything else decodes to null: the
// payment is then joined by email, or left without a visit.

export interface CheckoutVisit {
  anonymousId: string;
  sessionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REFERENCE = /^[0-9a-f]{64}$/;

const dashed = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;

/** The reference for a visit (as the SDK makes it); null when either id is not a lower-case UUID. */
export function encodeReference(visit: CheckoutVisit): string | null {
  if (!UUID.test(visit.anonymousId) || !UUID.test(visit.sessionId)) return null;
  return (visit.anonymousId + visit.sessionId).replace(/-/g, "");
}

/** The visit a reference names; null for anything else (absent, cut, altered, cookieless). */
export function decodeReference(reference: string | null | undefined): CheckoutVisit | null {
  if (typeof reference !== "string") return null;
  const ref = reference.trim();
  if (!REFERENCE.test(ref)) return null;
  return { anonymousId: dashed(ref.slice(0, 32)), sessionId: dashed(ref.slice(32)) };
}
