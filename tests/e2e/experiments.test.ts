// Split tests in Chromium: 400 new visitors on light pages (weights honoured within
// a binomial tolerance, one variant per visitor on every page and on return, exactly
// one $exposure each), no flash of the other variant at first paint, the timeout that
// reveals the control when the SDK never loads, split-URL redirects keeping the UTM
// query, and an exposure below the fold only once it scrolls into view.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createExperiment } from "../../src/experiments/store";
import { parseExperimentInput } from "../../src/experiments/definition";
import { browserTestsEnabled, DESKTOP_CHROME_UA, launchBrowser, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { decodePublicIdSql, PROPS_SQL } from "../../src/store/sqlite/layout";

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
// 400 as the issue asks; AUREA_EXPERIMENT_VISITORS=40 for a quick run while editing.
const VISITORS = Number(process.env.AUREA_EXPERIMENT_VISITORS ?? 400);
const B_WEIGHT = 70;

describeBrowser("split tests in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;

  // What docs/experiments.md tells founders to put in <head>, with a long timeout for a loaded test machine.
  const head = (timeoutMs: number, sdkSrc = `${server.url}/sdk.js`, extra = "") => `<meta charset="utf-8"><title>Launch</title>
<style>html:not([data-aurea-ready]) [data-aurea-variant]{visibility:hidden}${extra}</style>
<script>setTimeout(function(){var d=document.documentElement;d.hasAttribute("data-aurea-ready")||d.setAttribute("data-aurea-ready","timeout")},${timeoutMs})</script>
<script defer src="${sdkSrc}" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}"></script>`;
  const headlines = `<h1 data-aurea-variant="headline:a" style="margin:0;height:300px;background:#ff0000">Save ten hours a week</h1>
<h1 data-aurea-variant="headline:b" hidden style="margin:0;height:300px;background:#0000ff">Earn more from every launch</h1>`;
  const PAGES: Record<string, () => string> = {
    "/": () => `<!doctype html><html><head>${head(20_000)}</head><body style="margin:0"><header style="height:60px;background:#00ff00">Launch</header>${headlines}</body></html>`,
    "/page2": () => `<!doctype html><html><head>${head(20_000)}</head><body style="margin:0"><p>Pricing</p>${headlines}</body></html>`,
    "/nosdk": () => `<!doctype html><html><head>${head(300, `${server.url}/missing-sdk.js`)}</head><body>${headlines}</body></html>`,
    "/long": () => `<!doctype html><html><head>${head(20_000)}</head><body><div style="height:3000px">Story</div>
<p data-aurea-variant="cta:a">Buy</p><p data-aurea-variant="cta:b" hidden>Buy now</p></body></html>`,
    "/offer": () => `<!doctype html><html><head>${head(20_000, undefined, "html:not([data-aurea-ready]) body{visibility:hidden}")}</head><body><h1>Offer A</h1></body></html>`,
    "/offer-b": () => `<!doctype html><html><head>${head(20_000, undefined, "html:not([data-aurea-ready]) body{visibility:hidden}")}</head><body><h1>Offer B</h1></body></html>`,
    // Where a tab goes between two visitors: the site without the SDK.
    "/away": () => `<!doctype html><title>Away</title>`,
  };

  beforeAll(async () => {
    server = await startTestServer({ rateLimitPerMinute: 0 });
    site = serveSite((url) => PAGES[url.pathname]?.() ?? null);
    funnel = createTestFunnel(server, { url: site.url, origins: [site.url] });
    const start = (body: Record<string, unknown>) => createExperiment(server.ctx.store.db, funnel.id, parseExperimentInput(body), Date.now() - 1000);
    start({ key: "headline", variants: `a:${100 - B_WEIGHT},b:${B_WEIGHT}`, metric: "conversion:signup" });
    start({ key: "cta", variants: "a:50,b:50", metric: "conversion:signup" });
    start({ key: "offer", variants: "a:50,b:50", metric: "conversion:signup", splitUrls: { a: `${site.url}/offer`, b: `${site.url}/offer-b` } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  const freshVisitor = () => browser.newContext({ userAgent: DESKTOP_CHROME_UA, viewport: { width: 1000, height: 700 } });

  /**
   * One tab that takes in visitor after visitor: opening a tab starts a renderer (about
   * 0.4 s of CPU each, which made this file the suite's longest on a loaded machine).
   * `next()` leaves the site (the SDK's pagehide runs and writes its storage), then
   * wipes the site's storage: the next visitor arrives as new as in a fresh profile.
   */
  async function visitorTab() {
    const context = await freshVisitor();
    const page = await context.newPage();
    const storage = await context.newCDPSession(page);
    const next = async () => {
      await page.goto(site.url + "/away", { waitUntil: "commit" });
      await storage.send("Storage.clearDataForOrigin", { origin: site.url, storageTypes: "all" });
    };
    return { context, page, next };
  }

  /** The page once the SDK marked it ready: which variants of `key` show, and what aurea.variant says. */
  async function seen(page: Page, key: string, ask = true) {
    await page.waitForSelector("html[data-aurea-ready]", { state: "attached", timeout: 30_000 });
    return page.evaluate(([k, ask]) => {
      const shown = [...document.querySelectorAll<HTMLElement>(`[data-aurea-variant^="${k}:"]`)]
        .filter((el) => !el.hidden && getComputedStyle(el).visibility === "visible")
        .map((el) => el.getAttribute("data-aurea-variant")!.split(":")[1]);
      const a = (window as any).aurea;
      // aurea.variant() records the exposure (the page's code shows what it answers): asked only when wanted.
      return { ready: document.documentElement.getAttribute("data-aurea-ready"), shown, variant: ask ? a.variant(k) : null, visitor: JSON.parse(localStorage.aurea).a as string };
    }, [key, ask] as const);
  }

  const exposures = (key: string) =>
    server.ctx.store.sqlite
      .query<{ visitor: string; n: number; variants: string }, [string, string]>(
        `SELECT ${decodePublicIdSql("v.public_id")} AS visitor, count(*) AS n, group_concat(DISTINCT json_extract(${PROPS_SQL("e")}, '$.variant')) AS variants
         FROM events e JOIN visitors v ON v.key = e.visitor
         WHERE e.funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND e.kind = (SELECT id FROM kinds WHERE type = 'track' AND name = '$exposure')
           AND json_extract(${PROPS_SQL("e")}, '$.experiment') = ? GROUP BY e.visitor`,
      )
      .all(funnel.id, key);

  async function waitFor<T>(read: () => T, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    let v = read();
    while (!ok(v) && Date.now() < deadline) {
      server.running.worker?.drain();
      await Bun.sleep(100);
      v = read();
    }
    return v;
  }

  /**
   * What one page shows once the SDK marked it ready: the variants of `key` on screen, what
   * aurea.variant answers (asking records the exposure, as the page's own code would), the
   * visitor id; then the page sends its queue. One round trip: the page waits for itself.
   */
  const observe = (page: Page, key: string) =>
    page.evaluate(async (k) => {
      const deadline = Date.now() + 30_000;
      // Polled: right after the commit the document may still be parsing.
      while (!document.documentElement?.hasAttribute("data-aurea-ready")) {
        if (Date.now() > deadline) throw new Error(`not ready after 30 s: ${location.href}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const shown = [...document.querySelectorAll<HTMLElement>(`[data-aurea-variant^="${k}:"]`)]
        .filter((el) => !el.hidden && getComputedStyle(el).visibility === "visible")
        .map((el) => el.getAttribute("data-aurea-variant")!.split(":")[1]);
      const a = (window as any).aurea;
      const seen = { ready: document.documentElement.getAttribute("data-aurea-ready"), shown, variant: a.variant(k), visitor: JSON.parse(localStorage.aurea).a as string };
      await a.flush();
      return seen;
    }, key);

  // Every visitor lands once on "/"; every RETURNING-th also opens a second page and
  // comes back later in a new tab, so "the same variant on every page and on return" is
  // checked on 50 of the 400 without paying two more page loads for each.
  const RETURNING = 8;

  test(`${VISITORS} visitors: weights honoured, one variant everywhere, one exposure each`, async () => {
    const started = performance.now();
    const assigned = new Map<string, string>();
    const problems: string[] = [];
    let next = 0;
    let loads = 0;
    async function worker() {
      const context = await freshVisitor();
      // A new visitor arrives at /?new-visitor=N: the site's storage is wiped before the
      // page's own scripts run, after the previous page's pagehide wrote to it. The same
      // tab takes in visitor after visitor (see visitorTab) without leaving the site.
      await context.addInitScript(() => {
        if (new URLSearchParams(location.search).has("new-visitor")) localStorage.clear();
      });
      const page = await context.newPage();
      while (next < VISITORS) {
        const i = next++;
        // The visitor leaves only once their exposure was accepted.
        const exposed = page.waitForResponse((r) => r.request().method() === "POST" && (r.request().postData() ?? "").includes("$exposure") && r.ok(), { timeout: 120_000 });
        // No waiting for "load": the page counts once the SDK has marked it ready.
        await page.goto(`${site.url}/?new-visitor=${i}`, { waitUntil: "commit" });
        const first = await observe(page, "headline");
        if (first.visitor === undefined || assigned.has(first.visitor)) problems.push(`visitor ${i} is not new: ${first.visitor}`);
        await exposed;
        const views = [first];
        if (i % RETURNING === 0) {
          await page.goto(site.url + "/page2", { waitUntil: "commit" });
          views.push(await observe(page, "headline"));
          // A return visit: a new tab of the same browser, later.
          const again = await context.newPage();
          await again.goto(site.url + "/", { waitUntil: "commit" });
          views.push(await observe(again, "headline"));
          await again.close();
        }
        loads += views.length;
        for (const v of views) {
          if (v.ready !== "" || v.shown.length !== 1 || v.shown[0] !== first.shown[0] || v.variant !== first.shown[0] || v.visitor !== first.visitor)
            problems.push(`visitor ${i}: ${JSON.stringify(views)}`);
        }
        assigned.set(first.visitor, first.shown[0]);
      }
      await context.close();
    }
    // A visit waits on Chromium and the two servers, so a few visitors at once; past three,
    // on two cores, they only crowd each other (60 visitors: 25 s with 3 tabs, 31 s with 6).
    await Promise.all(Array.from({ length: 3 }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(`${VISITORS} visitors (${loads} page loads) in ${seconds.toFixed(1)} s`);
    expect(problems).toEqual([]);
    expect(assigned.size).toBe(VISITORS);
    expect(loads).toBe(VISITORS + 2 * Math.ceil(VISITORS / RETURNING));

    // Count of b ~ Binomial(400, 0.7): mean 280, sd √(400·0.7·0.3) ≈ 9.17. Within 4.5 sd
    // (±41) a correct split fails about once in 150,000 runs; a 50/50 split is 80 away.
    const p = B_WEIGHT / 100;
    const tolerance = Math.ceil(4.5 * Math.sqrt(VISITORS * p * (1 - p)));
    const b = [...assigned.values()].filter((v) => v === "b").length;
    expect(Math.abs(b - VISITORS * p)).toBeLessThanOrEqual(tolerance);
    console.log(`b: ${b} of ${VISITORS} (expected ${VISITORS * p} ± ${tolerance})`);

    const rows = await waitFor(() => exposures("headline"), (r) => r.length >= VISITORS);
    expect(rows).toHaveLength(VISITORS);
    for (const r of rows) {
      expect(r.n).toBe(1);
      expect(r.variants).toBe(assigned.get(r.visitor)!);
    }
    const res = await fetch(`${server.url}/api/v1/funnels/${funnel.id}/experiments/headline/results`, { headers: { authorization: `Bearer ${funnel.secretKey}` } });
    const results = (await res.json()) as any;
    expect(results.variants.map((v: any) => v.visitors)).toEqual([VISITORS - b, b]);
  }, 1_800_000);

  /** Red (variant a), blue (variant b) and green (the page's header) pixels of a screenshot, counted by the browser itself. */
  let counter: Page | null = null;
  async function colours(png: Buffer): Promise<{ red: number; blue: number; green: number }> {
    // One blank tab counts for every screenshot: it loads nothing of the site.
    counter ??= await (await freshVisitor()).newPage();
    return counter.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: img.width, height: img.height });
      const g = canvas.getContext("2d")!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, img.width, img.height).data;
      let red = 0, blue = 0, green = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 200 && d[i + 1] < 50 && d[i + 2] < 50) red++;
        if (d[i] < 50 && d[i + 1] < 50 && d[i + 2] > 200) blue++;
        if (d[i] < 50 && d[i + 1] > 200 && d[i + 2] < 50) green++;
      }
      return { red, blue, green };
    }, png.toString("base64"));
  }

  test("no flash: at first paint neither variant shows; after, only the visitor's", async () => {
    const variants = new Set<string>();
    for (let i = 0; i < 12 && variants.size < 2; i++) {
      const context: BrowserContext = await freshVisitor();
      // The experiments script is held back until the first paint is captured: the page
      // certainly paints before the SDK decides.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await context.route("**/api/sdk/**", async (route) => {
        await held;
        await route.continue();
      });
      const page = await context.newPage();
      await page.goto(site.url + "/", { waitUntil: "domcontentloaded" });
      // The screenshot makes Chromium produce a frame: the first paint, while the SDK still waits.
      const firstPaint = await page.screenshot();
      const readyAtShot = await page.evaluate(() => document.documentElement.hasAttribute("data-aurea-ready"));
      release();
      const after = await seen(page, "headline");
      const settled = await colours(await page.screenshot());
      await context.close();
      expect(readyAtShot).toBe(false);
      // The page is painted (its green header shows), its variants are not.
      const painted = await colours(firstPaint);
      expect(painted).toMatchObject({ red: 0, blue: 0 });
      expect(painted.green).toBeGreaterThan(50_000);
      if (after.shown[0] === "a") expect(settled.red > 0 && settled.blue === 0).toBe(true);
      else expect(settled.blue > 0 && settled.red === 0).toBe(true);
      variants.add(after.shown[0]);
    }
    expect([...variants].sort()).toEqual(["a", "b"]);
  }, 120_000);

  test("the SDK never loads: the timeout reveals variant a", async () => {
    const context = await freshVisitor();
    const page = await context.newPage();
    await page.goto(site.url + "/nosdk");
    await page.waitForSelector("html[data-aurea-ready=timeout]", { state: "attached" });
    const shown = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>("[data-aurea-variant]")].filter((el) => !el.hidden && getComputedStyle(el).visibility === "visible").map((el) => el.getAttribute("data-aurea-variant")));
    expect(shown).toEqual(["headline:a"]);
    await context.close();
  }, 120_000);

  test("split URL: the visitor lands on their variant's URL with the UTM query intact, also on return; one exposure", async () => {
    const query = "?utm_source=newsletter&utm_campaign=spring";
    const landed = new Map<string, string>();
    const { context, page, next } = await visitorTab();
    for (let i = 0; i < 20; i++) {
      await next();
      await page.goto(site.url + "/offer" + query);
      const s = await seen(page, "offer");
      const url = new URL(page.url());
      expect(url.pathname).toBe(s.variant === "b" ? "/offer-b" : "/offer");
      expect(url.search).toBe(query);
      expect(await page.textContent("h1")).toBe(s.variant === "b" ? "Offer B" : "Offer A");
      await page.evaluate(() => (window as any).aurea.flush());
      await page.goto(site.url + "/offer" + query);
      await seen(page, "offer");
      expect(new URL(page.url()).pathname).toBe(url.pathname);
      await page.evaluate(() => (window as any).aurea.flush());
      landed.set(s.visitor, s.variant);
    }
    await context.close();
    expect(landed.size).toBe(20);
    expect(new Set(landed.values()).size).toBe(2);
    const rows = await waitFor(() => exposures("offer"), (r) => r.length >= 20);
    expect(rows.map((r) => [r.n, r.variants]).sort()).toEqual(rows.map((r) => [1, landed.get(r.visitor)!]).sort());
  }, 120_000);

  test("below the fold: the exposure waits until the variant scrolls into view", async () => {
    const context = await freshVisitor();
    const page = await context.newPage();
    await page.goto(site.url + "/long");
    const s = await seen(page, "cta", false);
    await page.evaluate(() => (window as any).aurea.flush());
    await Bun.sleep(300);
    server.running.worker?.drain();
    expect(exposures("cta").filter((r) => r.visitor === s.visitor)).toEqual([]);
    await page.evaluate(() => document.querySelector('[data-aurea-variant^="cta:"]:not([hidden])')!.scrollIntoView());
    await page.waitForFunction(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith("aurea_x_"))!) ?? "{}").k?.cta);
    await page.evaluate(() => (window as any).aurea.flush());
    const rows = await waitFor(() => exposures("cta").filter((r) => r.visitor === s.visitor), (r) => r.length > 0);
    expect(rows).toEqual([{ visitor: s.visitor, n: 1, variants: s.shown[0] }]);
    await context.close();
  }, 120_000);
});
