// A running server with a signed-in owner and one funnel holding a small, known story:
//   ana: Facebook ad → /pricing → checkout_initiated {plan: pro} → purchase 49 EUR (browser, unverified)
//   ben: Google search → / → /pricing
//   cleo: /blog/hello → identify cleo@example.com → purchase 100 USD from the server (verified)
import { signedInOwner, type Browserish } from "../web/client";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

export const SHOP = "https://shop.example";

export interface Fixture {
  server: TestServer;
  owner: Browserish;
  funnel: TestFunnel;
  base: string;
}

export async function sendPublic(f: { server: TestServer; funnel: TestFunnel }, events: Record<string, unknown>[]) {
  const res = await sendEvents(f.server, { funnelId: f.funnel.id, key: f.funnel.publicKey, events }, { origin: SHOP });
  if (res.status !== 202) throw new Error(`public events: ${res.status} ${JSON.stringify(res.json)}`);
}

export async function sendSecret(f: { server: TestServer; funnel: TestFunnel }, events: Record<string, unknown>[]) {
  const res = await sendEvents(f.server, { funnelId: f.funnel.id, events }, { authorization: `Bearer ${f.funnel.secretKey}` });
  if (res.status !== 202) throw new Error(`secret events: ${res.status} ${JSON.stringify(res.json)}`);
}

export async function waitFor(f: Fixture, count: number) {
  await waitForEvents(f.server, f.funnel.id, f.funnel.secretKey, (es) => es.length >= count);
}

export async function startFixture(): Promise<Fixture> {
  return startFixtureOn(await startTestServer());
}

/** The same story on a server started with options of the test's own. */
export async function startFixtureOn(server: TestServer): Promise<Fixture> {
  const owner = await signedInOwner(server);
  const funnel = createTestFunnel(server);
  const f = { server, owner, funnel, base: `/funnels/${funnel.id}` };
  const t = Date.now() - 20 * 60_000;
  const ev = (anon: string, sid: string, i: number, e: Record<string, unknown>) => ({ id: eventId(), anonymousId: anon, sessionId: sid, ts: t + i * 1000, ...e });
  await sendPublic(f, [
    ev("anon-ana", "s-ana", 0, { type: "page_view", url: `${SHOP}/pricing?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring`, referrer: "https://l.facebook.com/", title: "Pricing" }),
    ev("anon-ana", "s-ana", 1, { type: "track", name: "checkout_initiated", url: `${SHOP}/pricing`, props: { plan: "pro" } }),
    ev("anon-ana", "s-ana", 2, { type: "conversion", name: "purchase", url: `${SHOP}/thanks`, revenue: { amount: 49, currency: "EUR" } }),
    ev("anon-ben", "s-ben", 3, { type: "page_view", url: `${SHOP}/`, referrer: "https://www.google.com/", title: "Home" }),
    ev("anon-ben", "s-ben", 4, { type: "page_view", url: `${SHOP}/pricing`, referrer: `${SHOP}/`, title: "Pricing" }),
    ev("anon-cleo", "s-cleo", 5, { type: "page_view", url: `${SHOP}/blog/hello`, title: "Hello" }),
    ev("anon-cleo", "s-cleo", 6, { type: "identify", userId: "cleo@example.com", traits: { email: "cleo@example.com", name: "Cleo" }, url: `${SHOP}/blog/hello` }),
  ]);
  await sendSecret(f, [
    ev("anon-cleo", "s-cleo", 7, { type: "conversion", name: "purchase", revenue: { amount: 100, currency: "USD" }, traits: { email: "cleo@example.com" } }),
  ]);
  await waitFor(f, 8);
  return f;
}
