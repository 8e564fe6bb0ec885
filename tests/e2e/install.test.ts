// Installing the script tag in Chromium, with the classic mistake: the page runs on
// 127.0.0.1 while the funnel allows localhost. The SDK says so in the console without
// data-debug, the dashboard's empty state lists the refusal, one click allows the
// origin, the next page view arrives, and the empty state becomes the dashboard.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createFunnel } from "../../src/funnels/store";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { startTestServer, waitForEvents, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;

describeBrowser("install mistakes are visible and fixable", () => {
  let server: TestServer;
  let site: Site;
  let browser: Browser;
  let context: BrowserContext;
  let dashboard: Page;
  let funnel: { id: string; publicKey: string; secretKey: string };
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    site = serveSite(
      () => `<!doctype html><title>Shop</title><script defer src="${server.url}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}"></script><h1>Shop</h1>`,
    );
    const port = new URL(site.url).port;
    const made = createFunnel(server.ctx.store.db, { name: "Shop", url: `http://localhost:${port}/` });
    funnel = { id: made.funnel.id, publicKey: made.publicKey, secretKey: made.secretKey };
    browser = await launchBrowser();
    context = await newDesktopContext(browser);
    dashboard = await context.newPage();
    await dashboard.goto(`${server.url}/setup`);
    await dashboard.fill("#email", "founder@example.com");
    await dashboard.fill("#password", "a long enough passphrase");
    await dashboard.fill("#confirm", "a long enough passphrase");
    await dashboard.click("button[type=submit]");
    await dashboard.waitForURL("**/funnels");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  test("the SDK names the problem in the console; the empty state lists it with a one-click fix", async () => {
    await dashboard.goto(`${server.url}/funnels/${funnel.id}`);
    expect(await dashboard.textContent("h2")).toContain("No events yet");
    const shop = await context.newPage();
    shop.on("console", (m) => {
      if (m.type() === "warning") warnings.push(m.text());
    });
    await shop.goto(site.url);
    const deadline = Date.now() + 15_000;
    while (!warnings.length && Date.now() < deadline) await Bun.sleep(50);
    expect(warnings[0]).toBe(
      `[Aurea SDK] origin ${site.url} is not allowed for funnel ${funnel.id}: add it to the funnel's allowed origins (Settings → Installation)`,
    );
    await dashboard.waitForSelector(`#install-diagnostics button:has-text("Allow ${site.url}")`, { timeout: 15_000 });
    await dashboard.click(`#install-diagnostics button:has-text("Allow ${site.url}")`);
    await dashboard.waitForSelector("#install-diagnostics .alert.good");
    expect(await dashboard.textContent("#install-diagnostics")).not.toContain("Origin not allowed");

    // The key cache reloads on the change stamp; reload the shop until its page view is accepted.
    let events: unknown[] = [];
    for (let i = 0; i < 20 && !events.length; i++) {
      await shop.reload();
      events = await waitForEvents(server, funnel.id, funnel.secretKey, (e) => e.length > 0, 2_000).catch(() => []);
    }
    expect(events.length).toBeGreaterThan(0);
  });

  test("the empty state turns into the dashboard by itself once the install check is green", async () => {
    await dashboard.waitForFunction(() => !document.querySelector(".onboarding") && !!document.querySelector("#analytics"), null, { timeout: 20_000 });
    expect(new URL(dashboard.url()).pathname).toBe(`/funnels/${funnel.id}`);
    expect(await dashboard.textContent("body")).not.toContain("No events yet");
  });
});
