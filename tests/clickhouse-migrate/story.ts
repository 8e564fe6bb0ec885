// A small shop's two days, written to a SQLite data directory through the real ingest path:
// campaigns (UTM), referrers, devices, visitors who identify and come back, custom events
// with props, conversions with revenue, an order reported by the page and then by the
// provider (the provider's wins), provider payments on a visit, by email, and with no
// visit at all, a refund, and a test payment.
import { encodeReference } from "../../src/payments/reference";
import { order, record, refund } from "../payments/payment-helpers";
import { sendEvents, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const MIN = 60_000;
const SHOP = "https://shop.example";
const MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** The SDK's kind of ids (UUIDs, stored as 16 bytes); a checkout reference needs them. */
const uuid = (prefix: number, n: number) => `${prefix}0000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
export const visitorOf = (v: number) => uuid(1, v);
export const visitOf = (v: number) => uuid(2, v);
const laterVisitOf = (v: number) => uuid(3, v);

type Batch = { key: "public" | "secret"; ua?: string; events: Record<string, unknown>[] };

function batches(now: number): Batch[] {
  const out: Batch[] = [];
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
  for (let v = 0; v < 30; v++) {
    const anon = visitorOf(v);
    const start = now - ((v % 4) * 10 + 4) * 60 * MIN + v * 7 * MIN;
    const session = visitOf(v);
    const src = ["?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring", "?utm_source=newsletter", "", ""][v % 4];
    const events: Record<string, unknown>[] = [
      { id: id(), type: "page_view", anonymousId: anon, sessionId: session, ts: start, url: `${SHOP}/${v % 3 === 0 ? "pricing" : ""}${src}`, referrer: v % 4 === 2 ? "https://www.google.com/" : undefined },
    ];
    if (v % 2 === 0) events.push({ id: id(), type: "page_view", anonymousId: anon, sessionId: session, ts: start + MIN, url: `${SHOP}/pricing` });
    if (v % 3 === 0) events.push({ id: id(), type: "track", name: "checkout_initiated", anonymousId: anon, sessionId: session, ts: start + 2 * MIN, url: `${SHOP}/pricing`, props: { plan: v % 2 ? "basic" : "pro", seats: v % 5 } });
    if (v % 6 === 0) events.push({ id: id(), type: "conversion", name: "purchase", anonymousId: anon, sessionId: session, ts: start + 3 * MIN, url: `${SHOP}/thanks`, revenue: { amount: 49 + v, currency: "EUR" }, props: { order_id: `web-${v}` } });
    if (v % 8 === 1) events.push({ id: id(), type: "track", name: "scroll_depth", anonymousId: anon, sessionId: session, ts: start + 90_000, url: `${SHOP}/`, props: { depth: 50 } });
    if (v % 5 === 4) events.push({ id: id(), type: "identify", userId: `user-${v}`, traits: { email: `v${v}@example.com`, name: `V ${v}` }, anonymousId: anon, sessionId: session, ts: start + 4 * MIN, url: `${SHOP}/` });
    out.push({ key: "public", ua: v % 3 === 1 ? MOBILE : undefined, events });
    if (v % 5 === 4) {
      // A later visit, then a purchase reported by the founder's server (secret key): it joins the visit without stretching it.
      out.push({ key: "public", events: [{ id: id(), type: "page_view", anonymousId: anon, sessionId: laterVisitOf(v), ts: start + 2 * 60 * MIN, url: `${SHOP}/pricing` }] });
      out.push({ key: "secret", events: [{ id: id(), type: "conversion", name: "purchase", anonymousId: anon, sessionId: laterVisitOf(v), ts: start + 2 * 60 * MIN + 20 * MIN, revenue: { amount: 100, currency: "USD" }, traits: { email: `v${v}@example.com` } }] });
    }
  }
  return out;
}

/** Writes the story; returns how many events the funnel holds. */
export async function writeStory(server: TestServer, funnel: TestFunnel, now: number): Promise<number> {
  let total = 0;
  for (const b of batches(now)) {
    const headers: Record<string, string> = b.key === "secret" ? { authorization: `Bearer ${funnel.secretKey}` } : { origin: SHOP, ...(b.ua ? { "user-agent": b.ua } : {}) };
    const r = await sendEvents(server, { funnelId: funnel.id, ...(b.key === "public" ? { key: funnel.publicKey } : {}), events: b.events }, headers);
    if (r.status !== 202) throw new Error(`send: ${r.status} ${JSON.stringify(r.json)}`);
    total += b.events.length;
  }
  await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= total, 60_000);
  const ts = now - 3 * 60 * MIN;
  await record(server, funnel.id, [
    // The page reported web-0 (a conversion with order_id); the provider's report of it wins.
    order({ orderId: "web-0", amountMinor: 5500, currency: "EUR", ts, reference: encodeReference({ anonymousId: visitorOf(0), sessionId: visitOf(0) }) }),
    order({ orderId: "pi_visit", amountMinor: 2900, ts, reference: encodeReference({ anonymousId: visitorOf(3), sessionId: visitOf(3) }) }),
    order({ orderId: "pi_email", amountMinor: 7900, ts, email: "v9@example.com" }),
    order({ orderId: "pi_nowhere", amountMinor: 1500, ts }),
    order({ orderId: "pi_test", amountMinor: 100, ts, test: true }),
  ]);
  await record(server, funnel.id, [refund({ orderId: "pi_visit", amountMinor: 900, ts: ts + MIN, refundId: "re_1" }), refund({ orderId: "pi_nowhere", amountMinor: 1500, ts: ts + MIN, refundId: "re_2" })]);
  return total + 7;
}
