// The analytics dashboard in headless Chromium: sign in → cards, chart and panels →
// click a source row and every panel narrows (chip, URL; back restores) → the live
// timeline shows a new event without a reload → session page, contact page → CSV.
// Screenshots (desktop, phone width, dark) go to test-artifacts/; they keep the caret
// ("initial"): Playwright's caret hiding leaves style="" on inputs, which htmx's history
// snapshot then restores, and the CSP rightly refuses.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createUser } from "../../src/web/auth/users";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const ARTIFACTS = "test-artifacts";
const SHOP = "https://shop.example";
const EMAIL = "analyst@example.com";
const PASSWORD = "a long enough passphrase";

describeBrowser("analytics dashboard in Chromium", () => {
  let server: TestServer;
  let funnel: TestFunnel;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  let sent = 0;

  async function send(events: Record<string, unknown>[], secret = false) {
    const body = secret ? { funnelId: funnel.id, events } : { funnelId: funnel.id, key: funnel.publicKey, events };
    const res = await sendEvents(server, body, secret ? { authorization: `Bearer ${funnel.secretKey}` } : { origin: SHOP });
    expect(res.status).toBe(202);
    sent += events.length;
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= sent);
  }

  const kpi = (id: string) => page.textContent(`#${id} .kpi-value`);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    funnel = createTestFunnel(server, { name: "Spring launch" });
    base = `${server.url}/funnels/${funnel.id}`;
    await createUser(server.ctx.store.db, { email: EMAIL, password: PASSWORD, role: "owner" });
    const t = Date.now() - 30 * 60_000;
    const ev = (anon: string, i: number, e: Record<string, unknown>) => ({ id: eventId(), anonymousId: anon, sessionId: `s-${anon}`, ts: t + i * 1000, ...e });
    await send([
      ev("ana", 0, { type: "page_view", url: `${SHOP}/pricing?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring`, referrer: "https://l.facebook.com/", title: "Pricing" }),
      ev("ana", 1, { type: "track", name: "checkout_initiated", url: `${SHOP}/checkout`, props: { plan: "pro" } }),
      ev("ana", 2, { type: "page_view", url: `${SHOP}/checkout`, title: "Checkout" }),
      ev("ben", 3, { type: "page_view", url: `${SHOP}/`, referrer: "https://www.google.com/", title: "Home" }),
      ev("ben", 4, { type: "page_view", url: `${SHOP}/blog/launch-notes`, title: "Launch notes" }),
      ev("cleo", 5, { type: "page_view", url: `${SHOP}/features`, title: "Features" }),
      ev("cleo", 6, { type: "identify", userId: "cleo@example.com", traits: { email: "cleo@example.com", name: "Cleo Park" }, url: `${SHOP}/features` }),
    ]);
    await send([ev("cleo", 7, { type: "conversion", name: "purchase", revenue: { amount: 99, currency: "EUR" }, traits: { email: "cleo@example.com" } })], true);

    browser = await launchBrowser();
    context = await newDesktopContext(browser); // Europe/Paris: the page must follow the browser's zone
    // Say which element broke the CSP, not just that something did.
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const el = e.target instanceof Element ? e.target.outerHTML.slice(0, 160) : String(e.target);
        console.error(`CSP ${e.violatedDirective} by ${e.sourceFile}:${e.lineNumber} on ${el}`);
      });
    });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`${m.text()} @ ${page.url()}`);
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().includes("/api/track/")) problems.push(`${r.status()} ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("sign in and land on the analytics page: cards, chart, panels, in the browser's time zone", async () => {
    await page.goto(`${base}?range=today`);
    await page.waitForURL("**/login**");
    await page.fill("#email", EMAIL);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`**/funnels/${funnel.id}?range=today`);
    // The login page kept the browser zone in a cookie; the first visit adopted it as the funnel's.
    await page.waitForSelector('#analytics[data-tz="Europe/Paris"]');
    expect(await page.textContent(".range-tz")).toBe("Europe/Paris");
    expect(await kpi("kpi-visitors")).toBe("3");
    expect(await page.textContent("#kpi-revenue")).toContain("€99.00");
    expect(await page.isVisible("#chart svg.chart-svg")).toBe(true);
    for (const p of ["sources", "pages", "locations", "devices", "events"]) await page.waitForSelector(`#panel-${p} table.breakdown, #panel-${p} .card-body p:not(.loading)`);
    expect(await page.textContent("#panel-sources")).toContain("Paid Social");
    expect(await page.textContent("#panel-pages")).toContain("/blog/launch-notes");
    expect(await page.textContent("#panel-locations")).toContain("IP Geolocation by DB-IP");
    expect(await page.textContent("#live-list")).toContain("checkout_initiated");
    await page.screenshot({ path: `${ARTIFACTS}/analytics.png`, fullPage: true, caret: "initial" });
  });

  test("the chart's metric switcher swaps just the chart and pushes the URL", async () => {
    await page.click('#chart .metric-tabs a:has-text("Page views")');
    await page.waitForSelector('#chart .metric-tabs a.current:has-text("Page views")');
    expect(page.url()).toContain("metric=pageviews");
    await page.goBack();
    await page.waitForSelector('#chart .metric-tabs a.current:has-text("Visitors")');
  });

  test("clicking a source row filters every panel; the chip removes it; back restores", async () => {
    await page.click('#panel-sources button[role=tab]:has-text("UTM source")');
    await page.waitForSelector('#panel-sources[data-dim="source"]');
    await page.click('#panel-sources a.row-link:has-text("facebook")');
    await page.waitForURL("**source=facebook**");
    await page.waitForSelector(".chips .chip");
    expect(await page.textContent(".chips")).toContain("facebook");
    expect(await kpi("kpi-visitors")).toBe("1");
    await page.waitForSelector("#panel-pages table.breakdown");
    const pages = await page.textContent("#panel-pages");
    expect(pages).toContain("/pricing");
    expect(pages).not.toContain("/blog/launch-notes");
    expect(await page.textContent("#panel-sources")).not.toContain("Organic Search");
    await page.screenshot({ path: `${ARTIFACTS}/analytics-filtered.png`, fullPage: true, caret: "initial" });

    await page.goBack();
    await page.waitForFunction(() => !location.search.includes("source=facebook"));
    await page.waitForFunction(() => document.querySelector("#kpi-visitors .kpi-value")?.textContent === "3");
    expect(await page.$(".chips .chip")).toBeNull();

    await page.goForward();
    await page.waitForSelector(".chips .chip");
    await page.click(".chips .chip");
    await page.waitForFunction(() => !location.search.includes("source="));
    await page.waitForFunction(() => document.querySelector("#kpi-visitors .kpi-value")?.textContent === "3");
  });

  test("the live timeline shows a new event without a reload", async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await send([{ id: eventId(), type: "track", name: "live_probe", anonymousId: "ben", sessionId: "s-ben", url: `${SHOP}/blog/launch-notes` }]);
    await page.waitForFunction(() => document.querySelector("#live-list")?.textContent?.includes("live_probe"), null, { timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.textContent("#live-list li:first-child")).toContain("live_probe");
  });

  test("phone width and dark mode look right too", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, userAgent: "Mozilla/5.0 (iPhone) Mobile Safari", timezoneId: "Europe/Paris", colorScheme: "dark" });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await p.goto(`${base}?range=today`);
    await p.waitForSelector("#panel-events table.breakdown");
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await p.screenshot({ path: `${ARTIFACTS}/analytics-phone-dark.png`, fullPage: true, caret: "initial" });
    await phone.close();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: `${ARTIFACTS}/analytics-dark.png`, fullPage: true, caret: "initial" });
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("a session page lists its events in order; the contact page shows the whole journey", async () => {
    await page.click('#live-list a:has-text("checkout_initiated")');
    await page.waitForURL("**/sessions/s-ana");
    const names = await page.$$eval("table.list .event-name", (els) => els.map((e) => e.textContent));
    expect(names).toEqual(["page_view", "checkout_initiated", "page_view"]);
    await page.goto(`${base}/contacts?range=today`);
    await page.click('table.list a:has-text("Cleo Park")');
    await page.waitForURL("**/contacts/*");
    const journey = await page.textContent(".journey");
    expect(journey).toContain("/features");
    expect(journey).toContain("purchase");
    expect(await page.isVisible(".journey-marker")).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/analytics-contact.png`, fullPage: true, caret: "initial" });
  });

  test("the events CSV downloads with the range and filters", async () => {
    await page.goto(`${base}?range=today&source=facebook`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('.export-links a:has-text("events")')]);
    expect(download.suggestedFilename()).toMatch(/^aurea-.*-events-.*\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toStartWith("time_utc,time_local,event_id,type,name");
    expect(csv).toContain("checkout_initiated");
    expect(csv).not.toContain("launch-notes");
  });

  test("no script errors, CSP violations or failed requests along the way", () => {
    if (problems.length) console.log(problems.join("\n"));
    expect(problems).toEqual([]);
  });
});
