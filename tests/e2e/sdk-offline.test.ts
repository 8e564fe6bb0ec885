// The SDK when Aurea cannot be reached: events wait in the page (and in localStorage)
// and arrive once it is back, by retry in the same page or on the next page load.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { browserTestsEnabled, fixturePage, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

/** Polls the condition itself (never a log line printed before it holds), with a generous deadline. */
async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await Bun.sleep(50);
  }
}

/** A switchable way to Aurea: when down, nothing listens on its port (connection refused). */
function switchableProxy(target: string) {
  let server: ReturnType<typeof Bun.serve> | null = null;
  let port = 0;
  const up = () => {
    server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      async fetch(req) {
        const url = new URL(req.url);
        const headers = new Headers(req.headers);
        headers.delete("host");
        const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
        const res = await fetch(target + url.pathname + url.search, { method: req.method, headers, body });
        const out = new Headers(res.headers);
        out.delete("content-encoding");
        out.delete("content-length");
        return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
      },
    });
    port = server.port!;
  };
  up();
  return {
    url: () => `http://127.0.0.1:${port}`,
    up,
    down: () => server?.stop(true),
  };
}

describeBrowser("script tag SDK: Aurea unreachable", () => {
  let server: TestServer;
  let browser: Browser;
  const sites: Site[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of sites) s.stop();
    await server?.stop();
  });

  function funnelSite(apiUrl?: string): { site: Site; funnel: TestFunnel } {
    let html = "";
    const site = serveSite((url) => (url.pathname === "/" || url.pathname === "/pricing" ? html : null));
    sites.push(site);
    const funnel = createTestFunnel(server, { url: site.url, origins: [site.url] });
    html = fixturePage({ aureaUrl: server.url, funnelId: funnel.id, publicKey: funnel.publicKey, sdkAttrs: apiUrl ? `data-api="${apiUrl}"` : "" });
    return { site, funnel };
  }

  const retries = (lines: string[]) => lines.filter((l) => l.startsWith("[Aurea SDK] retry in"));
  const storedNames = (page: Page, funnelId: string) =>
    page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? "[]") as { name?: string }[]).map((e) => e.name), `aurea_q_${funnelId}`);

  test("events made while the API is blocked are kept and arrive once it is back (same page)", async () => {
    const { site, funnel } = funnelSite();
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const lines: string[] = [];
    page.on("console", (m: ConsoleMessage) => lines.push(m.text()));
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const until = (p: (events: any[]) => boolean, ms = 15_000) => waitForEvents(server, funnel.id, funnel.secretKey, p, ms);

    await page.goto(site.url + "/?utm_source=podcast&utm_campaign=offline_test");
    const [landing] = await until((es) => es.some((e) => e.type === "page_view"));

    const endpoint = `${server.url}/api/track/events`;
    await page.route(endpoint, (route) => route.abort("internetdisconnected"));
    await page.click("#faq-refund");
    await page.click("#buy");
    await page.waitForFunction(() => document.querySelector("#bought:not([hidden])"));
    await waitUntil("two retries were scheduled", () => retries(lines).length >= 2);
    // The SDK logs "retry in" before it saves its queue: wait for the saved queue itself.
    const saved = async () => {
      const names = await storedNames(page, funnel.id);
      return names.includes("faq_opened") && names.includes("purchase");
    };
    await waitUntil("the unsent events are in localStorage", saved);

    // Nothing got through.
    const during = await until(() => true);
    expect(during.map((e) => e.name)).not.toContain("faq_opened");

    await page.unroute(endpoint);
    const after = await until((es) => es.some((e) => e.name === "purchase") && es.some((e) => e.name === "faq_opened"), 30_000);
    await page.waitForTimeout(300);
    expect(after.filter((e) => e.name === "faq_opened")).toHaveLength(1);
    expect(after.filter((e) => e.name === "purchase")).toHaveLength(1);
    for (const e of after) {
      expect(e.sessionId).toBe(landing.sessionId);
      expect(e.utm_campaign).toBe("offline_test");
    }
    expect(await storedNames(page, funnel.id)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  test("503 with Retry-After: the SDK waits at least that long", async () => {
    const { site, funnel } = funnelSite();
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const lines: string[] = [];
    page.on("console", (m: ConsoleMessage) => lines.push(m.text()));
    const endpoint = `${server.url}/api/track/events`;
    let refused = 0;
    await page.route(endpoint, (route) => {
      refused++;
      return route.fulfill({
        status: 503,
        contentType: "application/json",
        headers: { "retry-after": "3", "access-control-allow-origin": "*", "access-control-expose-headers": "Retry-After" },
        body: JSON.stringify({ error: { code: "queue_full", message: "retry shortly" } }),
      });
    });
    await page.goto(site.url + "/");
    await waitUntil("a retry was scheduled", () => retries(lines).length >= 1);
    const delay = Number(retries(lines)[0].split(" ").at(-1));
    expect(delay).toBeGreaterThanOrEqual(3000);
    expect(refused).toBe(1);
    await page.unroute(endpoint);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.type === "page_view"), 15_000);
    await context.close();
  }, 120_000);

  test("a 4xx other than 429 drops the batch (no retry) and debug mode logs the server's message", async () => {
    const { site } = funnelSite();
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const lines: string[] = [];
    page.on("console", (m: ConsoleMessage) => lines.push(m.text()));
    const endpoint = `${server.url}/api/track/events`;
    let calls = 0;
    await page.route(endpoint, (route) => {
      calls++;
      return route.fulfill({
        status: 403,
        contentType: "application/json",
        headers: { "access-control-allow-origin": "*" },
        body: JSON.stringify({ error: { code: "origin_not_allowed", message: "origin is not allowed for this funnel" } }),
      });
    });
    await page.goto(site.url + "/");
    await page.evaluate(() => (window as any).aurea.flush());
    const serverSaid = () => lines.some((l) => l.startsWith("[Aurea SDK] server:"));
    await waitUntil("the SDK logged the server's message", serverSaid);
    await page.waitForTimeout(1500); // a retry, if one were scheduled, would have gone by now
    expect(calls).toBe(1);
    expect(retries(lines)).toEqual([]);
    expect(lines.some((l) => l.startsWith("[Aurea SDK] server:") && l.includes("origin is not allowed for this funnel"))).toBe(true);
    await context.close();
  }, 120_000);

  test("events left unsent when the tab closes are sent on the next page load", async () => {
    const proxy = switchableProxy(server.url);
    const { site, funnel } = funnelSite(proxy.url());
    const context = await newDesktopContext(browser);
    const until = (p: (events: any[]) => boolean, ms = 15_000) => waitForEvents(server, funnel.id, funnel.secretKey, p, ms);

    const first = await context.newPage();
    const lines: string[] = [];
    first.on("console", (m: ConsoleMessage) => lines.push(m.text()));
    await first.goto(site.url + "/");
    const [landing] = await until((es) => es.some((e) => e.type === "page_view"));

    proxy.down();
    await first.click("#faq-license");
    // The SDK logs "retry in" before it saves its queue: wait for the saved queue itself.
    await waitUntil("the unsent event is in localStorage", async () => (await storedNames(first, funnel.id)).includes("faq_opened"));
    await first.close({ runBeforeUnload: true }); // its beacon finds nobody listening
    await Bun.sleep(500);
    expect((await until(() => true)).map((e) => e.name)).not.toContain("faq_opened");

    proxy.up();
    const second = await context.newPage();
    await second.goto(site.url + "/pricing");
    const all = await until((es) => es.some((e) => e.name === "faq_opened") && es.some((e) => e.path === "/pricing"));
    await second.waitForTimeout(300);
    const faq = all.filter((e) => e.name === "faq_opened");
    expect(faq).toHaveLength(1);
    expect(faq[0].props.question).toBe("license");
    // Still the same visit: within 30 minutes, no new campaign.
    expect(faq[0].sessionId).toBe(landing.sessionId);
    expect(all.find((e) => e.path === "/pricing").sessionId).toBe(landing.sessionId);
    await context.close();
    proxy.down();
  }, 120_000);
});
