// Section views in Chromium: they are recorded by the code the funnel's script
// (/api/sdk/:funnelId/experiments.js) carries, not by /sdk.js. A section below the fold
// counts once per page view when half of it is scrolled into view, again after an SPA
// navigation, and never with data-sections="false".
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

describeBrowser("section views through the funnel's script", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;
  let sdkAttrs = "";

  const html = () => `<!doctype html><html><head><title>Sections</title>
<script defer src="${server.url}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}" ${sdkAttrs}></script>
</head><body>
<div style="height:2500px">Above the fold</div>
<section id="offer" data-aurea-view="offer" style="height:300px">The offer</section>
<div style="height:2500px">After</div>
</body></html>`;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    site = serveSite((url) => (url.pathname.startsWith("/page") ? html() : null));
    funnel = createTestFunnel(server, { name: "Sections", url: site.url, origins: [site.url] });
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  const all = (predicate: (events: any[]) => boolean) => waitForEvents(server, funnel.id, funnel.secretKey, predicate, 30_000);
  const named = (events: any[], name: string, path: string) => events.filter((e) => e.name === name && e.path === path);

  async function open(path: string): Promise<Page> {
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const funnelScript = page.waitForResponse((r) => r.url().includes(`/api/sdk/${funnel.id}/experiments.js`));
    await page.goto(site.url + path);
    await funnelScript;
    await page.waitForFunction(() => document.documentElement.hasAttribute("data-aurea-ready"));
    await all((es) => named(es, "page_view", path).length > 0);
    return page;
  }

  test("a section below the fold scrolled into view arrives once per page view", async () => {
    const page = await open("/page-a");
    await page.evaluate(() => document.getElementById("offer")!.scrollIntoView());
    let events = await all((es) => named(es, "section_view", "/page-a").length > 0);
    expect(named(events, "section_view", "/page-a")[0].props).toEqual({ section: "offer" });

    // Out of view and back: still the one view of this page.
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.evaluate(() => document.getElementById("offer")!.scrollIntoView());
    await page.waitForTimeout(500);
    // An SPA navigation is a new page view: the section counts again there.
    await page.evaluate(() => scrollTo(0, 0));
    await page.evaluate(() => history.pushState({}, "", "/page-a2"));
    await all((es) => named(es, "page_view", "/page-a2").length > 0);
    await page.evaluate(() => document.getElementById("offer")!.scrollIntoView());
    events = await all((es) => named(es, "section_view", "/page-a2").length > 0);
    expect(named(events, "section_view", "/page-a")).toHaveLength(1);
    expect(named(events, "section_view", "/page-a2")).toHaveLength(1);
    await page.context().close();
  }, 120_000);

  test('data-sections="false" records no section view', async () => {
    sdkAttrs = 'data-sections="false"';
    const page = await open("/page-off");
    await page.evaluate(() => document.getElementById("offer")!.scrollIntoView());
    await page.waitForTimeout(1000);
    await page.evaluate(() => (window as any).aurea.track("done"));
    const events = await all((es) => named(es, "done", "/page-off").length > 0);
    expect(named(events, "section_view", "/page-off")).toHaveLength(0);
    await page.context().close();
    sdkAttrs = "";
  }, 120_000);
});
