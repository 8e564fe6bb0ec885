// The dashboard in headless Chromium: first-run setup → register a funnel → copy
// its keys → an event arrives and the install check turns green → rotate keys in
// settings (the old key stops working) → log out. Screenshots go to test-artifacts/.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { eventId, sendEvents, startTestServer, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const ARTIFACTS = "test-artifacts";
const EMAIL = "founder@example.com";
const PASSWORD = "a long enough passphrase";
const SHOP = "https://shop.example";

function pageView(server: TestServer, funnelId: string, key: string) {
  return sendEvents(
    server,
    { funnelId, key, events: [{ id: eventId(), type: "page_view", url: `${SHOP}/`, anonymousId: "anon-e2e", sessionId: "sess-e2e" }] },
    { origin: SHOP },
  );
}

describeBrowser("dashboard: setup to first event in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    context = await newDesktopContext(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    page = await context.newPage();
    // CSP violations and script errors show up here: the dashboard must have none.
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource") && !m.text().includes("/steps/editor")) problems.push(`${m.text()} @ ${page.url()} ${JSON.stringify(m.location())}`);
    });
    // The steps editor slot in settings belongs to another plugin; anything else failing is ours.
    page.on("response", (r) => {
      if (r.status() >= 400 && r.status() !== 422 && !r.url().includes("/steps/editor") && !r.url().includes("/api/track/")) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("dialog", (d) => d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  let funnelId = "";
  let publicKey = "";
  let secretKey = "";

  test("first run leads to setup, which signs the owner in", async () => {
    await page.goto(server.url + "/");
    expect(new URL(page.url()).pathname).toBe("/setup");
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-setup.png` });
    await page.fill("#email", EMAIL);
    await page.fill("#password", PASSWORD);
    await page.fill("#confirm", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL("**/funnels");
    expect(await page.textContent("h2")).toContain("No funnels yet");
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-empty.png`, fullPage: true });
  });

  test("register a funnel in the dialog and copy its keys", async () => {
    await page.click("text=Register funnel");
    const dialog = page.locator("#register-dialog");
    await expect(dialog.isVisible()).resolves.toBe(true);
    await page.fill("#r-name", "Spring <launch>");
    await page.fill("#r-url", `${SHOP}/spring`);
    expect(await page.inputValue("#r-origins")).toBe(SHOP);
    await page.uncheck("input[name=capture][value=clicks]");
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-register-form.png` });
    // A 422 is swapped in (htmx config in the layout): the error shows, the values stay.
    await page.fill("#r-origins", "not an origin");
    await page.click("#register-dialog button[type=submit]");
    await page.waitForSelector("#register-panel .alert.bad");
    expect(await page.textContent("#register-panel .alert.bad")).toContain("Allowed origins, line 1");
    expect(await page.inputValue("#r-name")).toBe("Spring <launch>");
    expect(await page.isChecked("input[name=capture][value=clicks]")).toBe(false);
    await page.fill("#r-origins", "");
    await page.click("#register-dialog button[type=submit]");
    await page.waitForSelector("#key-secret");
    funnelId = (await page.textContent("#key-funnel-id"))!.trim();
    publicKey = (await page.textContent("#key-public"))!.trim();
    secretKey = (await page.textContent("#key-secret"))!.trim();
    expect(funnelId).toMatch(/^fn_/);
    expect(publicKey).toMatch(/^pk_/);
    expect(secretKey).toMatch(/^sk_/);

    const script = (await page.textContent("#snippet-script"))!;
    expect(script).toBe(`<script defer src="${server.url}/sdk.js" data-funnel-id="${funnelId}" data-key="${publicKey}" data-clicks="false"></script>`);
    expect(await page.textContent("#snippet-curl")).toContain(`Authorization: Bearer ${secretKey}`);

    await page.click('button[data-copy="#key-public"]');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);
    expect(await page.textContent('button[data-copy="#key-public"]')).toBe("Copied");
    expect(await page.textContent("#install-check")).toContain("Waiting for the first event");
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-register-keys.png`, fullPage: false });
  });

  test("the install check turns to Receiving events after one event", async () => {
    const res = await pageView(server, funnelId, publicKey);
    expect(res.status).toBe(202);
    await page.waitForFunction(() => document.querySelector("#install-check")?.textContent?.includes("Receiving events"), null, { timeout: 15_000 });
    // 286 stopped the polling: no more requests go out.
    let polls = 0;
    page.on("request", (r) => {
      if (r.url().includes("/install-check")) polls++;
    });
    await Bun.sleep(2500);
    expect(polls).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-install-ok.png` });
  });

  test("the funnel's card shows it; the hostile name stays text", async () => {
    await page.click("text=All funnels");
    await page.waitForURL("**/funnels");
    expect(await page.textContent(".funnel-card h2")).toBe("Spring <launch>");
    expect(await page.textContent(".funnel-card")).toContain("Receiving events");
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-funnels.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-funnels-dark.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("rotating keys in settings shows new keys; the old one is refused", async () => {
    await page.goto(`${server.url}/funnels/${funnelId}/settings`);
    // The funnel switcher loads its list when opened.
    await page.click("details.switcher summary");
    await page.waitForSelector(`.switcher-menu a[href="/funnels/${funnelId}"]`);
    expect(await page.textContent(".switcher-menu")).toContain("Spring <launch>");
    await page.keyboard.press("Escape");
    await page.click("#keys-panel button[type=submit]");
    await page.waitForSelector("#keys-panel .alert.good");
    const newPublic = (await page.textContent("#keys-panel #key-public"))!.trim();
    expect(newPublic).not.toBe(publicKey);
    expect((await pageView(server, funnelId, publicKey)).status).toBe(401);
    expect((await pageView(server, funnelId, newPublic)).status).toBe(202);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-settings.png`, fullPage: true });
  });

  test("on a phone the settings page still fits", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/funnels/${funnelId}/settings`);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-settings-phone.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test("log out ends the session", async () => {
    await page.click("text=Log out");
    await page.waitForURL("**/login?out");
    expect(await page.textContent("body")).toContain("You are signed out");
    await page.goto(`${server.url}/funnels`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(problems).toEqual([]);
  });
});
