// A correctly signed delivery of a harmless event ("aurea.test"), built as each provider
// builds its webhooks, so `aurea payments test` can check the whole path (public URL,
// proxy, route, secret) end to end. The route verifies it, logs it as ignored, answers 200.
import { createHmac, randomUUID } from "node:crypto";
import type { PaymentConnection } from "./connections";
import { whopVerifier } from "./providers/whop";

export const TEST_EVENT_TYPE = "aurea.test";

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** Null for Gumroad: its URL token is stored hashed, so only Gumroad can call it. */
export function signedTestDelivery(c: PaymentConnection, now: number): SignedDelivery | null {
  const secret = c.secret ?? "";
  const seconds = Math.floor(now / 1000);
  const id = `aurea_test_${randomUUID().replaceAll("-", "")}`;
  const json = { "content-type": "application/json" };
  switch (c.provider) {
    case "stripe": {
      const body = JSON.stringify({ id: `evt_${id}`, object: "event", type: TEST_EVENT_TYPE, livemode: false, created: seconds, data: { object: {} } });
      const v1 = createHmac("sha256", secret).update(`${seconds}.${body}`).digest("hex");
      return { body, headers: { ...json, "stripe-signature": `t=${seconds},v1=${v1}` } };
    }
    case "paddle": {
      const body = JSON.stringify({ event_id: `evt_${id}`, event_type: TEST_EVENT_TYPE, occurred_at: new Date(now).toISOString(), data: {} });
      const h1 = createHmac("sha256", secret).update(`${seconds}:${body}`).digest("hex");
      return { body, headers: { ...json, "paddle-signature": `ts=${seconds};h1=${h1}` } };
    }
    case "lemonsqueezy": {
      const body = JSON.stringify({ meta: { event_name: TEST_EVENT_TYPE, test_mode: true }, data: { type: "test", id, attributes: {} } });
      return { body, headers: { ...json, "x-event-name": TEST_EVENT_TYPE, "x-signature": createHmac("sha256", secret).update(body).digest("hex") } };
    }
    case "whop": {
      const body = JSON.stringify({ id, api_version: "v1", type: TEST_EVENT_TYPE, timestamp: new Date(now).toISOString(), data: {} });
      const signature = whopVerifier(secret).sign(id, new Date(seconds * 1000), body);
      return { body, headers: { ...json, "webhook-id": id, "webhook-timestamp": String(seconds), "webhook-signature": signature } };
    }
    case "gumroad":
      return null;
  }
}
