// The revenue panel, the main currency setting and the orders of sessions and contacts,
// through the real dashboard routes (signed in), hostile values escaped.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../../src/web/auth/users";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "../web/client";
import { order, record, refund, visit } from "./payment-helpers";
import { grantFunnels } from "../../src/web/auth/funnel-access";

let server: TestServer;
let funnel: TestFunnel;
let owner: Browserish;
let session = "";
let contactId = 0;

beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 0 });
  funnel = createTestFunnel(server);
  owner = await signedInOwner(server);
  const v = await visit(server, funnel, "https://shop.example/?utm_source=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  session = v.sessionId;
  await record(server, funnel.id, [order({ orderId: "pi_dash", amountMinor: 12000, reference: v.reference, product: "<b>Pro</b>" })]);
  await record(server, funnel.id, [refund({ orderId: "pi_dash", refundId: "re_dash", amountMinor: 2000 })]);
  await record(server, funnel.id, [order({ orderId: "pi_lonely", amountMinor: 500, currency: "EUR", email: "erin@example.com" })]);
  await record(server, funnel.id, [order({ orderId: "pi_usd", amountMinor: 1000 })]);
  await record(server, funnel.id, [order({ orderId: "pi_test", amountMinor: 700, test: true })]);
  contactId = (server.ctx.store.sqlite.query("SELECT id FROM contacts WHERE email = 'erin@example.com'").get() as { id: number }).id;
});
afterAll(() => server.stop());

const panel = (q = "") => owner.get(`/funnels/${funnel.id}/panels/revenue?range=today${q}`, { "hx-request": "true" });

describe("revenue panel", () => {
  test("verified net, gross, refunded; hostile values escaped; other currencies apart", async () => {
    const res = await panel("&by=utm_source");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('class="revenue-net">$110.00<');
    expect(html).toContain('class="revenue-gross">$130.00<');
    expect(html).toContain('class="revenue-refunded">$20.00<');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain('data-currency="EUR"');
    expect(html).toContain("Main currency");
  });

  test("test payments only with the switch", async () => {
    expect(await (await panel("&test=1")).text()).toContain('class="revenue-gross">$137.00<');
  });

  test("bad choices are a 400 that says which", async () => {
    const res = await panel("&model=linear");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("model");
  });

  test("owners set the main currency; a bad code is refused; viewers cannot", async () => {
    await owner.load(`/funnels/${funnel.id}`);
    const bad = await owner.post(`/funnels/${funnel.id}/panels/revenue/currency?range=today`, { _csrf: owner.csrf, currency: "XYZ" }, { "hx-request": "true" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("ISO 4217");
    const ok = await owner.post(`/funnels/${funnel.id}/panels/revenue/currency?range=today`, { _csrf: owner.csrf, currency: "eur" }, { "hx-request": "true" });
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain(">EUR</span>");
    expect(html).toContain('class="revenue-net">€5.00<');
    expect(html).toContain('data-currency="USD"');

    grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "a viewer passphrase", role: "viewer" })).id, [funnel.id], Date.now());
    const viewer = client(server);
    await viewer.load("/login");
    await viewer.post("/login", { _csrf: viewer.csrf, email: "viewer@example.com", password: "a viewer passphrase" });
    await viewer.load(`/funnels/${funnel.id}`);
    const denied = await viewer.post(`/funnels/${funnel.id}/panels/revenue/currency?range=today`, { _csrf: viewer.csrf, currency: "USD" }, { "hx-request": "true" });
    expect(denied.status).toBe(403);
    const seen = await (await viewer.get(`/funnels/${funnel.id}/panels/revenue?range=today`, { "hx-request": "true" })).text();
    expect(seen).not.toContain("Main currency");
  });
});

describe("orders of sessions and contacts", () => {
  test("a session lists its order and refund", async () => {
    const html = await owner.load(`/funnels/${funnel.id}/sessions/${session}?range=today`);
    expect(html).toContain("Orders and refunds");
    expect(html).toContain("pi_dash");
    expect(html).toContain("$120.00");
    expect(html).toContain("−$20.00".replace("−", "-"));
    expect(html).toContain("&lt;b&gt;Pro&lt;/b&gt;");
  });

  test("a contact lists an order with no visit", async () => {
    const html = await owner.load(`/funnels/${funnel.id}/contacts/${contactId}?range=today`);
    expect(html).toContain("pi_lonely");
    expect(html).toContain("€5.00");
  });
});
