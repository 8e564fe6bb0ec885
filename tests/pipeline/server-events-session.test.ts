// Events from the founder's backend (secret key) join the visit for attribution without
// stretching it; page views sent with the secret key on behalf of a visitor still browse.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { apiGet, createTestFunnel, DESKTOP_CHROME, eventId, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";

let server: TestServer;
let funnel: TestFunnel;
const ORIGIN = "https://shop.example";
const SEC = 1000;
const MIN = 60 * SEC;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server, { origins: [ORIGIN] });
});
afterAll(() => server.stop());

async function send(events: unknown[], secret: boolean) {
  const r = await sendEvents(server, { funnelId: funnel.id, key: secret ? funnel.secretKey : funnel.publicKey, events }, secret ? {} : { origin: ORIGIN });
  expect(r.status).toBe(202);
  server.running.worker!.drain();
}

async function sessionOf(anonymousId: string) {
  const { sessions } = await apiGet(server, `/api/v1/funnels/${funnel.id}/sessions?limit=100`, funnel.secretKey);
  return sessions.filter((s: any) => s.anonymousId === anonymousId);
}

test("a secret-key upsell and identify 5 minutes after the visitor left attach to the visit without stretching it", async () => {
  const t0 = Date.now() - 60 * MIN;
  await send([
    { id: eventId(), type: "page_view", anonymousId: "v-upsell", ts: t0, url: "https://shop.example/?utm_source=newsletter&utm_campaign=dec" },
    { id: eventId(), type: "page_view", anonymousId: "v-upsell", ts: t0 + 5 * SEC, url: "https://shop.example/thanks" },
  ], false);
  await send([
    { id: eventId(), type: "conversion", name: "upsell", anonymousId: "v-upsell", ts: t0 + 5 * MIN + 22 * SEC, revenue: { amount: 49, currency: "USD" } },
    { id: eventId(), type: "identify", anonymousId: "v-upsell", ts: t0 + 5 * MIN + 23 * SEC, traits: { email: "buyer@example.com" } },
    { id: eventId(), type: "track", name: "license_issued", anonymousId: "v-upsell", ts: t0 + 5 * MIN + 24 * SEC },
  ], true);
  const sessions = await sessionOf("v-upsell");
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ pageviews: 2, events: 5, durationSeconds: 5, exitPath: "/thanks", utm_source: "newsletter", converted: true });
  const { events } = await apiGet(server, `/api/v1/funnels/${funnel.id}/events?limit=100`, funnel.secretKey);
  const upsell = events.find((e: any) => e.name === "upsell");
  expect(upsell).toMatchObject({ sessionId: sessions[0].id, utm_source: "newsletter" });
});

test("secret-key page views on behalf of a visitor (ip, userAgent) still count as browsing", async () => {
  const t0 = Date.now() - 60 * MIN;
  const visitor = { anonymousId: "v-proxied", ip: "203.0.113.9", userAgent: DESKTOP_CHROME };
  await send([
    { id: eventId(), type: "page_view", ...visitor, ts: t0, url: "https://shop.example/" },
    { id: eventId(), type: "page_view", ...visitor, ts: t0 + 2 * MIN, url: "https://shop.example/pricing" },
  ], true);
  const sessions = await sessionOf("v-proxied");
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ pageviews: 2, durationSeconds: 120, exitPath: "/pricing" });
});
