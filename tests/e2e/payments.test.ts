// Verified revenue end to end in headless Chromium: a visitor lands from the newsletter,
// clicks a Stripe Payment Link (the SDK adds the checkout reference at click time; the
// navigation is answered locally), Stripe's webhook (signed by the official `stripe`
// package) carries the reference back, and the dashboard shows the revenue as verified
// under newsletter; a refund leaves the net; redeliveries change nothing; the page's own
// report of the same order is not counted twice.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import { createUser } from "../../src/web/auth/users";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { apiGet, createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { connect, post, stripeEvent, stripeSignature } from "../payments/webhook-helpers";
import { WIDE_EVENTS_SQL } from "../../src/store/sqlite/layout";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const EMAIL = "founder@example.com";
const PASSWORD = "a long enough passphrase";
const SECRET = "whsec_e2e_payments_secret";
const LINK = "https://buy.stripe.com/test_8wM5kE3aB";

describeBrowser("verified revenue in Chromium", () => {
  let server: TestServer;
  let site: Site;
  let funnel: TestFunnel;
  let browser: Browser;
  let context: BrowserContext;
  let shop: Page;
  let dash: Page;
  let webhookUrl: string;
  let reference = "";
  const problems: string[] = [];

  const revenue = (q = "breakdown=utm_source") => apiGet(server, `/api/v1/funnels/${funnel.id}/revenue?${q}`, funnel.secretKey);

  /** Polls the revenue API until `ok` holds (processing runs on its own schedule). */
  async function until(ok: (r: any) => boolean, q?: string): Promise<any> {
    const deadline = Date.now() + 20_000;
    let r: any;
    while (Date.now() < deadline) {
      r = await revenue(q);
      if (ok(r)) return r;
      await Bun.sleep(100);
    }
    throw new Error(`revenue never matched: ${JSON.stringify(r)}`);
  }

  async function deliver(body: string) {
    const res = await post(webhookUrl, body, { "stripe-signature": await stripeSignature(body, SECRET) });
    expect(res.status).toBe(200);
  }

  /** The dashboard's revenue panel, reloaded, with the UTM source breakdown. */
  async function panel(extra = ""): Promise<string> {
    await dash.goto(`${server.url}/funnels/${funnel.id}?range=today${extra}`);
    await dash.waitForSelector("#panel-revenue .revenue-totals");
    await dash.click('#panel-revenue [role=tab]:has-text("UTM source")');
    await dash.waitForSelector('#panel-revenue[data-breakdown="utm_source"]');
    return (await dash.textContent("#panel-revenue"))!;
  }

  let checkoutBody = "";

  beforeAll(async () => {
    server = await startTestServer();
    site = serveSite(() => `<!doctype html><html><head><title>Launch Kit</title>
      <script defer src="${server.url}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}"></script></head>
      <body><h1>Launch Kit</h1><a id="buy" href="${LINK}">Buy now</a></body></html>`);
    funnel = createTestFunnel(server, { name: "Launch Kit", url: site.url, origins: [site.url] });
    webhookUrl = connect(server, funnel.id, "stripe", SECRET).url;
    await createUser(server.ctx.store.db, { email: EMAIL, password: PASSWORD, role: "owner" });
    browser = await launchBrowser();
    context = await newDesktopContext(browser);
    shop = await context.newPage();
    dash = await context.newPage();
    dash.on("console", (m) => m.type() === "error" && problems.push(`${m.text()} @ ${dash.url()}`));
    dash.on("pageerror", (e) => problems.push(e.message));
    dash.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  test("the decorated Stripe link carries the visit; the verified purchase shows under newsletter", async () => {
    await shop.goto(`${site.url}/?utm_source=newsletter&utm_medium=email`);
    await shop.waitForFunction(() => typeof (window as any).aurea?.checkoutReference === "function");
    const [request] = await Promise.all([shop.waitForRequest((r) => r.url().startsWith(LINK)), shop.click("#buy")]);
    const decorated = new URL(request.url());
    reference = decorated.searchParams.get("client_reference_id") ?? "";
    expect(reference).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    // The visit reached Aurea before the checkout completes (the SDK beacons on the way out).
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.type === "page_view" && e.utm_source === "newsletter"));

    const body = stripeEvent("checkout.session.completed", {
      id: "cs_test_e2e", object: "checkout.session", payment_status: "paid", amount_total: 4900, currency: "usd",
      payment_intent: "pi_e2e", invoice: null, client_reference_id: reference, customer_details: { email: "buyer@example.com" }, metadata: {},
    });
    checkoutBody = body;
    await deliver(body);
    const r = await until((x) => x.orders === 1);
    expect(r).toMatchObject({ currency: "USD", gross: 4900, refunded: 0, net: 4900, verifiedNet: 4900 });
    expect(r.rows).toEqual([{ value: "newsletter", orders: 1, gross: 4900, refunded: 0, net: 4900, verifiedNet: 4900 }]);

    await dash.goto(`${server.url}/funnels/${funnel.id}?range=today`);
    await dash.waitForURL("**/login**");
    await dash.fill("#email", EMAIL);
    await dash.fill("#password", PASSWORD);
    await dash.click("button[type=submit]");
    await dash.waitForURL(`**/funnels/${funnel.id}?range=today`);
    const text = await panel();
    expect(text).toContain("verified net");
    expect(await dash.textContent("#panel-revenue .revenue-net")).toBe("$49.00");
    const row = dash.locator('#panel-revenue tr[data-value="newsletter"]');
    expect(await row.locator("td.rev").textContent()).toBe("$49.00");
  });

  test("a partial refund leaves the net revenue", async () => {
    await deliver(stripeEvent("charge.refunded", {
      id: "ch_e2e", object: "charge", amount: 4900, amount_refunded: 1500, currency: "usd", payment_intent: "pi_e2e", invoice: null, metadata: {},
    }));
    await until((x) => x.refunded === 1500);
    await panel();
    expect(await dash.textContent("#panel-revenue .revenue-refunded")).toBe("$15.00");
    expect(await dash.textContent("#panel-revenue .revenue-net")).toBe("$34.00");
    expect(await dash.locator('#panel-revenue tr[data-value="newsletter"] td.rev').textContent()).toBe("$34.00");
  });

  test("delivering the same webhook three times changes nothing", async () => {
    for (let i = 0; i < 3; i++) await deliver(checkoutBody);
    // Wait until the redeliveries have been processed (the queue is empty), then compare.
    const deadline = Date.now() + 20_000;
    while (server.running.processing.pending > 0 && Date.now() < deadline) await Bun.sleep(50);
    expect(await revenue()).toMatchObject({ orders: 1, gross: 4900, refunded: 1500, net: 3400, verifiedNet: 3400 });
    const purchases = server.ctx.store.sqlite.query(`SELECT count(*) AS n FROM (${WIDE_EVENTS_SQL}) WHERE funnel_id = ? AND order_id = 'pi_e2e' AND type = 'conversion'`).get(funnel.id) as { n: number };
    expect(purchases.n).toBe(1);
  });

  test("the page's own report of the same order is not counted twice", async () => {
    await shop.goto(`${site.url}/thanks`);
    await shop.waitForFunction(() => typeof (window as any).aurea?.checkoutReference === "function");
    await shop.evaluate(() => {
      const a = (window as any).aurea;
      a.conversion("purchase", { revenue: 49, currency: "USD", orderId: "pi_e2e" });
      return a.flush();
    });
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.type === "conversion" && !e.verified));
    expect(await revenue()).toMatchObject({ orders: 1, gross: 4900, net: 3400, verifiedNet: 3400 });
    await panel();
    await dash.click("#panel-revenue .revenue-unverified-switch");
    await dash.waitForSelector('#panel-revenue[data-unverified="1"]');
    expect(await dash.textContent("#panel-revenue .revenue-net")).toBe("$34.00");
    expect(await dash.textContent("#panel-revenue .revenue-unverified")).toBe("$0.00");
  });

  test("the funnel report offers the same revenue under first touch", async () => {
    const def = parseSteps({ steps: [{ name: "Landing", page: "/" }, { name: "Purchase", event: "purchase" }] });
    if (!def.ok) throw new Error("steps");
    saveSteps(server.ctx.store.db, funnel.id, def.value);
    await dash.goto(`${server.url}/funnels/${funnel.id}/steps?range=today`);
    await dash.waitForSelector("#panel-revenue .revenue-totals");
    await dash.click('#panel-revenue button:has-text("First touch")');
    await dash.waitForSelector('#panel-revenue[data-model="first_touch"]');
    await dash.click('#panel-revenue [role=tab]:has-text("UTM source")');
    await dash.waitForSelector('#panel-revenue[data-breakdown="utm_source"][data-model="first_touch"]');
    expect(await dash.locator('#panel-revenue tr[data-value="newsletter"] td.rev').textContent()).toBe("$34.00");
    expect(problems).toEqual([]);
  });
});
