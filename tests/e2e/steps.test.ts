// Funnel steps in Chromium: the owner defines the steps in the settings page (and
// sees a bad pattern refused), two visitors go through a small shop with the SDK
// (one pays, one stops at checkout), and the report shows the bars, the revenue and
// the second visitor in the drop-off list. Screenshot: test-artifacts/steps.png.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";
import { OWNER, signedInOwner } from "../web/client";

setDefaultTimeout(120_000);
const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const ARTIFACTS = join(import.meta.dir, "../../test-artifacts");

function shopPage(aurea: string, funnel: TestFunnel, path: string): string | null {
  const body: Record<string, string> = {
    "/": `<h1>Launch Kit</h1><a id="next" href="/pricing">See pricing</a>`,
    "/pricing": `<h1>Pricing</h1><p>Pro: $49</p><a id="next" href="/checkout">Buy Pro</a>`,
    "/checkout": `<h1>Checkout</h1><button id="pay">Pay $49</button>
      <script>
        aurea.track("checkout_initiated", { plan: "pro" });
        document.getElementById("pay").addEventListener("click", function () {
          aurea.conversion("purchase", { revenue: 49, currency: "USD", plan: "pro" });
          aurea.flush().then(function () { location.href = "/thank-you"; });
        });
      </script>`,
    "/thank-you": `<h1>Thank you!</h1>`,
  };
  if (!(path in body)) return null;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop ${path}</title>
    <script>window.aurea=window.aurea||{q:[]};["track","conversion","identify","page","reset","flush"].forEach(function(m){aurea[m]=aurea[m]||function(){aurea.q.push([m,arguments]);return Promise.resolve()}})</script>
    <script defer src="${aurea}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}"></script>
    </head><body>${body[path]}</body></html>`;
}

describeBrowser("funnel steps in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;
  let owner: BrowserContext;
  let dash: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    let f: TestFunnel | null = null;
    site = serveSite((url) => (f ? shopPage(server.url, f, url.pathname) : null));
    funnel = f = createTestFunnel(server, { name: "Launch Kit shop", url: site.url, origins: [site.url] });
    await signedInOwner(server); // first-run setup
    owner = await newDesktopContext(browser);
    dash = await owner.newPage();
    await dash.goto(`${server.url}/login`);
    await dash.fill("#email", OWNER.email);
    await dash.fill("#password", OWNER.password);
    await Promise.all([dash.waitForURL(/\/funnels/), dash.click("form[action='/login'] button[type=submit]")]);
  });

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  test("define the steps in the settings page; a bad pattern is refused with the step named", async () => {
    await dash.goto(`${server.url}/funnels/${funnel.id}/settings`);
    await dash.waitForSelector("#steps-editor input[name=name_0]");
    expect(await dash.inputValue("input[name=pattern_0]")).toBe("/");
    for (const n of [2, 3]) {
      await dash.click("#steps-editor button[value=add]");
      await dash.waitForSelector(`input[name=name_${n}]`);
    }
    await dash.fill("input[name=name_0]", "Landing");
    await dash.fill("input[name=name_1]", "Pricing");
    await dash.selectOption("select[name=kind_1]", "page");
    await dash.fill("input[name=pattern_1]", "/pricing[");
    await dash.fill("input[name=name_2]", "Checkout");
    await dash.selectOption("select[name=kind_2]", "event");
    await dash.fill("input[name=pattern_2]", "checkout_initiated");
    await dash.fill("input[name=name_3]", "Purchase");
    await dash.selectOption("select[name=kind_3]", "event");
    await dash.fill("input[name=pattern_3]", "purchase");
    await dash.fill("input[name=where_3]", "plan=pro");
    await dash.click("#steps-editor button.primary[value=save]");
    const alert = await dash.waitForSelector("#steps-editor .alert.bad");
    expect(await alert.textContent()).toContain('Step 2 "Pricing" page: pattern "/pricing[" does not parse');

    await dash.fill("input[name=pattern_1]", "/pricing*");
    await dash.click("#steps-editor button.primary[value=save]");
    await dash.waitForSelector("#steps-editor .alert.good");
    expect(await dash.textContent("#steps-editor .alert.good")).toContain("Saved 4 steps.");
    expect(await dash.textContent("#steps-editor .steps-json")).toContain('"checkout_initiated"');
  });

  async function visit(finish: boolean): Promise<void> {
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    await page.goto(`${site.url}/?utm_source=${finish ? "newsletter" : "twitter"}`);
    for (const next of ["/pricing", "/checkout"]) {
      await page.waitForFunction(() => typeof (window as any).aurea?.flush === "function" && !(window as any).aurea.q);
      await page.evaluate(() => (window as any).aurea.flush());
      await Promise.all([page.waitForURL(`**${next}`), page.click("#next")]);
    }
    await page.waitForFunction(() => typeof (window as any).aurea?.flush === "function" && !(window as any).aurea.q);
    await page.evaluate(() => (window as any).aurea.flush());
    if (finish) await Promise.all([page.waitForURL("**/thank-you"), page.click("#pay")]);
    await context.close();
  }

  test("two visitors: one pays, one stops at checkout; the report shows bars, revenue and the drop-off", async () => {
    await visit(true);
    await visit(false);
    const events = await waitForEvents(server, funnel.id, funnel.secretKey, (es) =>
      es.filter((e) => e.name === "checkout_initiated").length === 2 && es.some((e) => e.name === "purchase"),
      20_000,
    );
    const payer = events.find((e) => e.name === "purchase").anonymousId;
    const stopper = events.find((e) => e.name === "checkout_initiated" && e.anonymousId !== payer).anonymousId as string;

    await dash.goto(`${server.url}/funnels/${funnel.id}/steps?breakdown=utm_source`);
    await dash.waitForSelector(".fbars");
    expect(await dash.locator(".fbar").count()).toBe(4);
    const figures = await dash.locator(".fbar-figures strong").allTextContents();
    expect(figures).toEqual(["2", "2", "2", "1"]);
    expect(await dash.textContent(".fbars")).toContain("$49.00");
    expect(await dash.textContent(".steps-headline")).toContain("$24.50"); // revenue per visitor entering
    expect(await dash.textContent("#breakdown")).toContain("newsletter");

    await dash.click("text=1 stopped here");
    await dash.waitForSelector("#drilldown table");
    const drill = (await dash.textContent("#drilldown")) ?? "";
    expect(drill).toContain("Stopped here at step 3");
    expect(drill).toContain(stopper.slice(0, 12));
    expect(drill).not.toContain(payer.slice(0, 12));
    expect(drill).toContain("checkout_initiated");

    mkdirSync(ARTIFACTS, { recursive: true });
    await dash.screenshot({ path: join(ARTIFACTS, "steps.png"), fullPage: true });
    // The same page on a phone in dark mode, for a person to look at.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" });
    await phone.addCookies(await owner.cookies());
    const p = await phone.newPage();
    await p.goto(`${server.url}/funnels/${funnel.id}/steps`);
    await p.waitForSelector(".fbars");
    await p.screenshot({ path: join(ARTIFACTS, "steps-phone-dark.png"), fullPage: true });
    await p.goto(`${server.url}/funnels/${funnel.id}/settings`);
    await p.waitForSelector("#steps-editor input[name=name_0]");
    await p.locator("#steps-settings").screenshot({ path: join(ARTIFACTS, "steps-editor-phone-dark.png") });
    await phone.close();
  });
});
