// The script-tag SDK in headless Chromium against a real Aurea: a visitor lands on a
// sales page from a newsletter, reads, opens a question, buys, joins Discord, opts in,
// browses to pricing (SPA) and back, and closes the tab. Everything is checked
// through the read API; then a payment webhook confirms the purchase server-side.
import { GZIP_BUDGET } from "../../scripts/build-sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { createAureaServer } from "../../sdk/server";
import { browserTestsEnabled, fixturePage, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { apiGet, createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

const LANDING_QUERY = "?utm_source=newsletter&utm_medium=email&utm_campaign=launch_week&gclid=test-gclid-1";
const EMAIL = "ada@example.com";
const FIELD_VALUES = ["Ada Lovelace", "sales-page-hidden-value"];

describeBrowser("script tag SDK: a whole funnel in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  let closedAt = 0;
  let lastEventAt = 0;
  let sdkTransferBytes = 0;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    let html = "";
    site = serveSite((url) => (url.pathname === "/" || url.pathname === "/pricing" ? html : null));
    funnel = createTestFunnel(server, { name: "Launch Kit", url: site.url, origins: [site.url] });
    html = fixturePage({ aureaUrl: server.url, funnelId: funnel.id, publicKey: funnel.publicKey });
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  const events = (predicate: (events: any[]) => boolean, timeoutMs = 15_000) =>
    waitForEvents(server, funnel.id, funnel.secretKey, predicate, timeoutMs);
  const named = (all: any[], name: string) => all.filter((e) => e.name === name);

  async function scrollToBottom(page: Page) {
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(40);
      if (await page.evaluate(() => scrollY + innerHeight >= document.documentElement.scrollHeight - 1)) break;
    }
    await page.waitForTimeout(300);
  }

  test("a visitor's journey arrives once, enriched, in one session with the landing campaign", async () => {
    const context = await newDesktopContext(browser);
    // SDK_TRACE=1 prints the page's console and its requests to Aurea.
    if (process.env.SDK_TRACE) {
      context.on("request", (r) => r.url().includes("/api/track") && console.log("REQ", r.resourceType()));
      context.on("requestfinished", async (r) => r.url().includes("/api/track") && console.log("FIN", (await r.response())?.status()));
      context.on("requestfailed", (r) => r.url().includes("/api/track") && console.log("FAIL", r.failure()?.errorText));
    }
    const page = await context.newPage();
    page.on("console", (m) => { consoleLines.push(m.text()); if (process.env.SDK_TRACE) console.log(m.text().slice(0, 200)); });
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await page.goto(site.url + "/" + LANDING_QUERY);
    await page.waitForFunction(() => (window as any).aurea && !(window as any).aurea.q);
    sdkTransferBytes = await page.evaluate(
      () => (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((r) => r.name.endsWith("/sdk.js"))?.encodedBodySize ?? 0,
    );
    await scrollToBottom(page);
    await page.click("#faq-refund");
    await page.click("#buy");
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#discord")]);
    await popup.close();
    await page.fill("#optin input[name=name]", FIELD_VALUES[0]);
    await page.fill("#optin input[type=email]", EMAIL);
    await page.click("#optin button[type=submit]");
    await page.click("#nav-pricing");
    await page.waitForSelector("#buy-pricing");
    await page.waitForTimeout(400); // reads the pricing table
    // Same URL again: not a new page view.
    await page.evaluate(() => history.replaceState({}, "", location.href));
    await page.click("#buy-pricing");
    await page.goBack();
    await page.waitForSelector("#faq-updates");
    await page.waitForTimeout(100);
    // The last event is still in the 2-second batch window when the tab closes.
    await page.click("#faq-updates");
    lastEventAt = Date.now();
    await page.close({ runBeforeUnload: true });
    closedAt = Date.now();

    // The browser still runs (as after a closed tab): the beacon is its to deliver.
    const all = await events((es) => es.some((e) => e.name === "faq_opened" && e.props?.question === "updates"));
    await context.close();
    await Bun.sleep(500); // anything sent twice would be here by now
    const final = (await apiGet(server, `/api/v1/funnels/${funnel.id}/events?limit=1000`, funnel.secretKey)).events as any[];
    expect(final.length).toBe(all.length);
    const byTs = [...final].sort((a, b) => a.ts - b.ts);

    const pageViews = byTs.filter((e) => e.type === "page_view");
    expect(pageViews.map((e) => e.path)).toEqual(["/", "/pricing", "/"]);
    expect(pageViews[1].title).toBe("Pricing | Launch Kit");
    expect(named(final, "page_script_ready")).toHaveLength(1);
    expect(named(final, "page_script_ready")[0].props).toMatchObject({ variant: "b" });

    // One visitor, one session, the landing campaign on every event.
    expect(new Set(final.map((e) => e.anonymousId)).size).toBe(1);
    expect(new Set(final.map((e) => e.sessionId)).size).toBe(1);
    for (const e of final) {
      expect(e).toMatchObject({ utm_source: "newsletter", utm_medium: "email", utm_campaign: "launch_week" });
      expect(e.browser).toContain("Chrome");
      expect(e.os).toContain("Windows");
    }
    for (const e of final) expect(e.clickId).toBe("gclid");

    const firstView = pageViews[0].ts;
    const depths = byTs.filter((e) => e.name === "scroll_depth" && e.ts < pageViews[1].ts).map((e) => e.props.depth);
    expect(depths).toEqual([25, 50, 75, 100]);
    expect(byTs.filter((e) => e.name === "scroll_depth").every((e) => e.ts > firstView)).toBe(true);

    expect(named(final, "faq_opened").map((e) => e.props.question).sort()).toEqual(["refund", "updates"]);
    expect(named(final, "section_view").map((e) => e.props.section).sort()).toEqual(["cta_section", "pricing_table"]);
    expect(named(final, "plan_selected")).toHaveLength(1);
    expect(named(final, "plan_selected")[0].props).toMatchObject({ plan: "pro", price: "49.99" });
    expect(named(final, "plan_selected")[0].path).toBe("/pricing");

    const [purchase] = final.filter((e) => e.type === "conversion");
    expect(final.filter((e) => e.type === "conversion")).toHaveLength(1);
    expect(purchase).toMatchObject({ name: "purchase", revenue: { amount: 49.99, currency: "USD" }, verified: false });
    expect(purchase.props).toMatchObject({ plan: "pro" });
    expect(String(purchase.props.order_id)).toMatch(/^ord_\d+$/);

    const outbound = named(final, "outbound_click");
    expect(outbound).toHaveLength(1);
    expect(outbound[0].props).toMatchObject({ host: "discord.gg", path: "/launchkit" });

    const [submit] = named(final, "form_submit");
    expect(named(final, "form_submit")).toHaveLength(1);
    expect(submit.props).toMatchObject({ form_id: "optin", form_name: "free-chapter", form_action: "/subscribe", fields: 2 });
    expect(final.filter((e) => e.type === "identify")).toHaveLength(1);

    // The close was within the batch window: only the beacon can have carried the last event.
    expect(closedAt - lastEventAt).toBeLessThan(1500);
  }, 120_000);

  test("Aurea serves /sdk.js compressed, cacheable and loadable from any origin", async () => {
    const res = await fetch(`${server.url}/sdk.js`, { headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/javascript");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toContain("max-age=");
    const etag = res.headers.get("etag")!;
    expect((await res.arrayBuffer()).byteLength).toBeLessThanOrEqual(GZIP_BUDGET);
    const again = await fetch(`${server.url}/sdk.js`, { headers: { "accept-encoding": "gzip", "if-none-match": etag } });
    expect(again.status).toBe(304);
    // What the page itself downloaded.
    expect(sdkTransferBytes).toBeGreaterThan(0);
    expect(sdkTransferBytes).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  test("no form field value left the page; the opt-in email only names the contact", async () => {
    const final = (await apiGet(server, `/api/v1/funnels/${funnel.id}/events?limit=1000`, funnel.secretKey)).events as any[];
    const { contacts } = await apiGet(server, `/api/v1/funnels/${funnel.id}/contacts`, funnel.secretKey);
    const everything = JSON.stringify({ final, contacts });
    for (const value of FIELD_VALUES) expect(everything).not.toContain(value);
    for (const e of final.filter((e) => e.type !== "identify")) expect(JSON.stringify(e)).not.toContain(EMAIL);

    expect(contacts).toHaveLength(1);
    expect(contacts[0].email).toBe(EMAIL);
    // Linked to the visitor: the journey before the opt-in belongs to the contact too.
    expect(contacts[0].anonymousIds).toEqual([final[0].anonymousId]);
    expect(final.every((e) => e.contactId === contacts[0].id)).toBe(true);
  });

  test("the debug console starts with Initialized and the page saw no error", () => {
    const ours = consoleLines.filter((l) => l.startsWith("[Aurea SDK]"));
    expect(ours.length).toBeGreaterThan(3);
    expect(ours[0]).toStartWith("[Aurea SDK] Initialized");
    expect(pageErrors).toEqual([]);
  });

  test("a payment webhook's conversion (secret key, same email) is verified revenue on the same contact", async () => {
    const aurea = createAureaServer({ apiUrl: server.url, funnelId: funnel.id, secretKey: funnel.secretKey });
    const res = await aurea.conversion("purchase_confirmed", { revenue: 49.99, currency: "USD", orderId: "in_1001", email: EMAIL });
    expect(res).toEqual({ accepted: 1, rejected: [] });
    // A retried webhook delivery is the same event: counted once.
    await aurea.conversion("purchase_confirmed", { revenue: 49.99, currency: "USD", orderId: "in_1001", email: EMAIL });

    const all = await events((es) => es.some((e) => e.name === "purchase_confirmed"));
    await Bun.sleep(300);
    const { contacts } = await apiGet(server, `/api/v1/funnels/${funnel.id}/contacts`, funnel.secretKey);
    const confirmed = named(all, "purchase_confirmed");
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ type: "conversion", verified: true, revenue: { amount: 49.99, currency: "USD" } });
    expect(contacts).toHaveLength(1);
    expect(confirmed[0].contactId).toBe(contacts[0].id);
    expect(contacts[0].revenue.USD).toBeGreaterThanOrEqual(49.99);
  }, 120_000);
});
