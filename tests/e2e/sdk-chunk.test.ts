// The script tag's core records at once; its capture chunk (/sdk-capture.js?v=…: the
// sender and the automatic captures) arrives right after. In Chromium against a real
// Aurea: what happens before the chunk arrives (held back by the test), and when it
// never does.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Route } from "playwright-core";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

const STUB = `<script>window.aurea=window.aurea||{q:[]};["track","conversion","identify","page","reset","flush"].forEach(function(m){aurea[m]=aurea[m]||function(){aurea.q.push([m,arguments])}})</script>`;

describeBrowser("script tag SDK: the capture chunk", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    site = serveSite((url) =>
      url.pathname === "/" || url.pathname === "/again"
        ? `<!doctype html><title>Chunk</title>${STUB}
<script>aurea.track("before_tag")</script>
<script src="${server.url}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}"></script>
<script>aurea.track("right_after_tag", { chunk: window._aureaX.b === 0 ? "ran" : "pending" })</script>
<button id="early" data-aurea-event="cta_clicked" data-aurea-prop-when="early">Early</button>
<button id="late" data-aurea-event="cta_clicked" data-aurea-prop-when="after_load">Late</button>
<form id="optin" action="/subscribe"><input name="name"><button>Go</button></form>`
        : null,
    );
    funnel = createTestFunnel(server, { url: site.url, origins: [site.url] });
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  const named = (all: any[], name: string) => all.filter((e) => e.name === name);

  test("an event tracked right after the script tag and a click before the chunk arrives are recorded, in order, with a click right after load", async () => {
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Hold the chunk until the test lets it go.
    let release!: () => void;
    const held = new Promise<Route>((resolve) => page.route("**/sdk-capture.js*", (route) => resolve(route)));
    const chunkUrl = held.then((r) => r.request().url());
    await page.goto(site.url + "/", { waitUntil: "domcontentloaded" });
    const route = await held;
    release = () => void route.continue();

    // Before the chunk: the core kept the click for it, and the SPA navigation's URL.
    expect(await page.evaluate(() => Array.isArray((window as any)._aureaX.b))).toBe(true);
    await page.click("#early");
    await page.evaluate(() => history.pushState({}, "", "/next"));
    release();
    await page.waitForLoadState("load");
    expect(await page.evaluate(() => (window as any)._aureaX.b)).toBe(0);
    // The chunk records the navigation it missed right after it runs.
    await page.waitForFunction(() => (window as any)._aureaX.u.endsWith("/next"));
    await page.click("#late");

    const all = await waitForEvents(
      server,
      funnel.id,
      funnel.secretKey,
      (es) => named(es, "cta_clicked").length === 2 && es.filter((e) => e.type === "page_view").length === 2,
      20_000,
    );
    expect(new URL(await chunkUrl).searchParams.get("v")).toMatch(/^[0-9a-f]{12}$/);
    const one = (name: string, when?: string) => {
      const found = named(all, name).filter((e) => !when || e.props.when === when);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const views = all.filter((e) => e.type === "page_view").sort((a, b) => a.ts - b.ts);
    expect(views.map((e) => e.path)).toEqual(["/", "/next"]);
    expect(one("right_after_tag").props.chunk).toBe("pending");
    // The order the page did things in: load, its calls, the early click, the navigation, the late click.
    const sequence = [views[0], one("before_tag"), one("right_after_tag"), one("cta_clicked", "early"), views[1], one("cta_clicked", "after_load")];
    for (let i = 1; i < sequence.length; i++) expect(sequence[i].ts).toBeGreaterThanOrEqual(sequence[i - 1].ts);
    expect(new Set(all.map((e) => e.sessionId)).size).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  test("when the chunk cannot load, page views and API calls are still recorded (kept for the next page); clicks are not", async () => {
    const context = await newDesktopContext(browser);
    const failChunk = (route: Route) => route.abort("failed");
    await context.route("**/sdk-capture.js*", failChunk);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(site.url + "/?utm_source=chunkless");
    await page.waitForFunction(() => (window as any)._aureaX?.b === 0);
    await page.evaluate(() => (window as any).aurea.conversion("signup", { plan: "pro" }));
    await page.click("#late");
    // Leaving the page: the core beacons its queue (not asserted: Chromium under
    // Playwright drops beacons on navigation, with or without the chunk) and, taking
    // Aurea as unreachable, keeps it stored.
    await page.goto(site.url + "/bye");
    const stored = await page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? "[]") as any[]).map((e) => e.name ?? e.type), `aurea_q_${funnel.id}`);
    expect(stored).toEqual(["page_view", "before_tag", "right_after_tag", "signup"]);

    // The next page (its chunk loads) sends them.
    await context.unroute("**/sdk-capture.js*", failChunk);
    await page.goto(site.url + "/again");
    const all = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.name === "signup") && es.some((e) => e.path === "/again"), 20_000);
    const first = all.filter((e) => e.path === "/" && e.utm_source === "chunkless");
    expect(first.map((e) => e.name ?? e.type).sort()).toEqual(["before_tag", "page_view", "right_after_tag", "signup"].sort());
    expect(first.some((e) => e.name === "cta_clicked")).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
