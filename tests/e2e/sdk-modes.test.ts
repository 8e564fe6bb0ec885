// The SDK's modes in Chromium: cookieless, Do Not Track / Global Privacy Control,
// the ES module for bundlers, and a page where storage is blocked and calls are wrong.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { browserTestsEnabled, fixturePage, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { apiGet, createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

describeBrowser("SDK modes in Chromium", () => {
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

  function funnelSite(sdkAttrs = "", extra: Record<string, (f: TestFunnel) => string | Response> = {}): { site: Site; funnel: TestFunnel } {
    let funnel: TestFunnel;
    const site = serveSite((url) => {
      if (extra[url.pathname]) return extra[url.pathname](funnel);
      return url.pathname === "/" || url.pathname === "/pricing" ? fixturePage({ aureaUrl: server.url, funnelId: funnel.id, publicKey: funnel.publicKey, sdkAttrs }) : null;
    });
    sites.push(site);
    funnel = createTestFunnel(server, { url: site.url, origins: [site.url] });
    return { site, funnel };
  }

  const listEvents = async (f: TestFunnel) => (await apiGet(server, `/api/v1/funnels/${f.id}/events?limit=1000`, f.secretKey)).events as any[];

  test("cookieless: nothing is stored in the browser; the server derives one visitor per IP + UA", async () => {
    const { site, funnel } = funnelSite("data-cookieless");
    const visit = async () => {
      const context = await newDesktopContext(browser);
      const page = await context.newPage();
      await page.goto(site.url + "/?utm_source=ads");
      await page.click("#faq-refund");
      await page.evaluate(() => (window as any).aurea.flush());
      const stored = await page.evaluate(() => Object.keys(localStorage).concat(Object.keys(sessionStorage), document.cookie ? [document.cookie] : []));
      await context.close();
      return stored;
    };
    expect(await visit()).toEqual([]);
    expect(await visit()).toEqual([]);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.filter((e) => e.type === "page_view").length === 2);
    expect(events.every((e) => typeof e.anonymousId === "string" && e.anonymousId.length > 0)).toBe(true);
    // Two fresh browsers, same IP and user agent, same day: one visitor.
    expect(new Set(events.map((e) => e.anonymousId)).size).toBe(1);
    expect(events.filter((e) => e.name === "faq_opened")).toHaveLength(2);
  }, 120_000);

  test("data-respect-dnt: with Global Privacy Control or Do Not Track nothing is sent, and the API still works", async () => {
    for (const signal of ["gpc", "dnt"]) {
      const { site, funnel } = funnelSite("data-respect-dnt");
      const context = await newDesktopContext(browser);
      await context.addInitScript((s) => {
        const prop = s === "gpc" ? "globalPrivacyControl" : "doNotTrack";
        Object.defineProperty(Navigator.prototype, prop, { get: () => (s === "gpc" ? true : "1") });
      }, signal);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(site.url + "/");
      await page.click("#faq-refund");
      await page.evaluate(async () => {
        const a = (window as any).aurea;
        a.track("manual");
        a.conversion("purchase", { revenue: 10 });
        a.identify("someone@example.com");
        await a.flush();
      });
      await page.close({ runBeforeUnload: true });
      await Bun.sleep(1200); // a beacon or the 2-second batch would be in by now
      expect(await listEvents(funnel)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  }, 120_000);

  test("ES module: createAurea() with the same methods, no global, user id on later events", async () => {
    const built = await Bun.build({ entrypoints: [join(import.meta.dir, "../../sdk/src/index.ts")], format: "esm", target: "browser" });
    const moduleJs = await built.outputs[0].text();
    const { site, funnel } = funnelSite("", {
      "/aurea.mjs": () => new Response(moduleJs, { headers: { "content-type": "text/javascript" } }),
      "/app": (f) => `<!doctype html><title>App</title><h1>Dashboard</h1><script type="module">
        import { createAurea } from "/aurea.mjs";
        const aurea = createAurea({ funnelId: ${JSON.stringify(f.id)}, key: ${JSON.stringify(f.publicKey)}, apiUrl: ${JSON.stringify(server.url)} });
        aurea.identify("user_42", { plan: "pro" });
        aurea.track("module_ready", { framework: "vite" });
        window.flushAurea = () => aurea.flush();
      </script>`,
    });
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    await page.goto(site.url + "/app");
    await page.waitForFunction(() => (window as any).flushAurea);
    expect(await page.evaluate(() => typeof (window as any).aurea)).toBe("undefined");
    await page.evaluate(() => (window as any).flushAurea());
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.name === "module_ready"));
    expect(events.map((e) => e.type).sort()).toEqual(["identify", "page_view", "track"]);
    const ready = events.find((e) => e.name === "module_ready");
    expect(ready).toMatchObject({ userId: "user_42", props: { framework: "vite" }, path: "/app" });
    await context.close();
  }, 120_000);

  test("blocked storage and wrong calls: the page sees no error and events still arrive", async () => {
    const { site, funnel } = funnelSite();
    const context = await newDesktopContext(browser);
    await context.addInitScript(() => {
      Object.defineProperty(window, "localStorage", { get: () => { throw new DOMException("blocked", "SecurityError"); } });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(site.url + "/");
    await page.evaluate(async () => {
      const a = (window as any).aurea;
      a.track();
      a.track(null);
      a.track("weird_props", { nested: { a: 1 }, list: [1, 2], nan: NaN, nil: null, long: "x".repeat(5000) });
      a.conversion("no_revenue");
      a.conversion(undefined, { revenue: 5 });
      a.identify();
      a.identify(42);
      a.page("extra", "args");
      a.nonexistent?.();
      await a.flush();
    });
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.some((e) => e.name === "weird_props") && es.some((e) => e.name === "no_revenue"));
    const weird = events.find((e) => e.name === "weird_props");
    expect(weird.props).toMatchObject({ nested: "[object Object]", list: "1,2", nan: "NaN" });
    expect(weird.props.long).toHaveLength(1000);
    expect(events.filter((e) => e.type === "identify").map((e) => e.userId)).toEqual(["42"]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
