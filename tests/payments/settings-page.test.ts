// Settings → Payments through a real server, as a signed-in owner and a viewer.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createUser } from "../../src/web/auth/users";
import { createTestFunnel, startTestServer, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "../web/client";
import { post, stripeEvent, stripeSignature } from "./webhook-helpers";
import { grantFunnels } from "../../src/web/auth/funnel-access";

setDefaultTimeout(120_000);

let server: TestServer;
let owner: Browserish;
const SECRET = "whsec_cGFnZSB0ZXN0IHNlY3JldCBmb3Igc3RyaXBl";
const HTMX = { "hx-request": "true" };

beforeAll(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
});
afterAll(() => server.stop());

test("the settings page loads the Payments section", async () => {
  const funnel = createTestFunnel(server);
  const page = await owner.load(`/funnels/${funnel.id}/settings`);
  expect(page).toContain(`hx-get="/funnels/${funnel.id}/settings/payments"`);
  const panel = await (await owner.get(`/funnels/${funnel.id}/settings/payments`, HTMX)).text();
  expect(panel).toContain("No provider connected yet.");
  expect(panel).toContain('<option value="lemonsqueezy">Lemon Squeezy</option>');
});

test("connect Stripe: the exact URL, the events to tick, the masked secret, and what arrived", async () => {
  const funnel = createTestFunnel(server);
  await owner.load(`/funnels/${funnel.id}/settings`);
  const res = await owner.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: owner.csrf, provider: "stripe", secret: SECRET }, HTMX);
  expect(res.status).toBe(200);
  const url = `${server.url}/api/payments/stripe/${funnel.id}`;
  const connected = await res.text();
  expect(connected).toContain("Stripe connected");
  expect(connected).toContain(`<code id="pay-url-stripe">${url}</code>`);
  expect(connected).toContain("checkout.session.completed, checkout.session.async_payment_succeeded, invoice.paid, invoice_payment.paid, charge.refunded");
  expect(connected).toContain("whsec_cGFn…");
  expect(connected).not.toContain(SECRET);

  // A hostile event type and message are shown escaped.
  const hostile = stripeEvent("<img src=x onerror=alert(1)>", {});
  await post(url, hostile, { "stripe-signature": await stripeSignature(hostile, SECRET) });
  const paid = stripeEvent("checkout.session.completed", { id: "cs_1", payment_status: "paid", amount_total: 900, currency: "usd", payment_intent: "pi_page" });
  await post(url, paid, { "stripe-signature": await stripeSignature(paid, SECRET) });
  await post(url, paid, { "stripe-signature": "t=1,v1=00" });
  const panel = await (await owner.get(`/funnels/${funnel.id}/settings/payments`, HTMX)).text();
  expect(panel).not.toContain("<img src=x");
  expect(panel).toContain("&lt;img src=x onerror=alert(1)&gt;");
  expect(panel).toContain(">verified<");
  expect(panel).toContain(">bad signature<");
  expect(panel).toContain("order pi_page 900 USD");
  expect(panel).not.toContain(SECRET);
});

test("Gumroad's URL with its token is shown once, then never again", async () => {
  const funnel = createTestFunnel(server);
  await owner.load(`/funnels/${funnel.id}/settings`);
  const shown = await (await owner.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: owner.csrf, provider: "gumroad", secret: "" }, HTMX)).text();
  const token = shown.match(new RegExp(`/api/payments/gumroad/${funnel.id}/([A-Za-z0-9_-]{32})`))![1];
  expect(shown).toContain("shown only now");
  const later = await (await owner.get(`/funnels/${funnel.id}/settings/payments`, HTMX)).text();
  expect(later).not.toContain(token);
});

test("without JavaScript, connecting answers a page of its own with the one-time values", async () => {
  const funnel = createTestFunnel(server);
  await owner.load(`/funnels/${funnel.id}/settings`);
  const res = await owner.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: owner.csrf, provider: "lemonsqueezy", secret: "" });
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain("<title>");
  expect(page).toContain("Lemon Squeezy connected");
  expect(page).toMatch(/<code id="pay-new-secret">aurea_[A-Za-z0-9_-]{24}<\/code>/);
});

test("bad input is explained; viewers see the section but cannot connect; CSRF is required", async () => {
  const funnel = createTestFunnel(server);
  await owner.load(`/funnels/${funnel.id}/settings`);
  const bad = await owner.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: owner.csrf, provider: "stripe", secret: "sk_live_x" }, HTMX);
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain("starts with whsec_");
  expect((await owner.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: "wrong", provider: "paddle", secret: "pdl_x" }, HTMX)).status).toBe(403);

  grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
  const v = client(server);
  await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" });
  await v.load(`/funnels/${funnel.id}/settings`);
  const panel = await (await v.get(`/funnels/${funnel.id}/settings/payments`, HTMX)).text();
  expect(panel).toContain("Only an owner can connect providers.");
  expect(panel).not.toContain("<form");
  expect((await v.post(`/funnels/${funnel.id}/settings/payments`, { _csrf: v.csrf, provider: "whop", secret: "ws_x" }, HTMX)).status).toBe(403);
});
