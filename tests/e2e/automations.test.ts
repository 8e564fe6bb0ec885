// Automations in headless Chromium: create a rule in the dashboard, switch trigger
// types (htmx swaps the fields), send a test delivery, watch it arrive in the log.
// Screenshot: test-artifacts/automations.png.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { DEFAULT_BACKOFF } from "../../src/automations/backoff";
import { automationRuntime } from "../../src/automations/runtime";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { createTestFunnel, startTestServer, type TestServer } from "../helpers/server";
import { Receiver } from "../automations/receiver";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const ARTIFACTS = "test-artifacts";

describeBrowser("automations in the dashboard (Chromium)", () => {
  let server: TestServer;
  let receiver: Receiver;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ allowPrivateWebhooks: true });
    automationRuntime(server.ctx).backoff = { ...DEFAULT_BACKOFF, scale: 0.001 };
    receiver = await Receiver.start();
    browser = await launchBrowser();
    const context = await newDesktopContext(browser);
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on("dialog", (d) => d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    receiver?.stop();
  });

  test("create a rule, send a test delivery, see it in the log", async () => {
    await page.goto(`${server.url}/setup`);
    await page.fill("#email", "owner@example.com");
    await page.fill("#password", "a long enough passphrase");
    await page.fill("#confirm", "a long enough passphrase");
    await page.click("button[type=submit]");
    await page.waitForURL("**/funnels");
    const funnel = createTestFunnel(server, { name: "Spring launch" });

    await page.goto(`${server.url}/funnels/${funnel.id}/automations`);
    expect(await page.textContent("h2")).toContain("No automations yet");
    await page.click("text=New automation");
    await page.waitForURL("**/automations/new");

    // Switching the trigger type swaps its fields without a reload.
    await page.selectOption("#r-type", "conversion");
    await page.waitForSelector("#r-min");
    await page.selectOption("#r-type", "event");
    await page.waitForSelector("#r-event");

    await page.fill("#r-name", "Purchases to n8n");
    await page.fill("#r-event", "purchase");
    await page.fill("input[name=cond_field] >> nth=0", "props.plan");
    await page.fill("input[name=cond_value] >> nth=0", "pro");
    await page.fill("#r-url", `${receiver.url}/n8n/webhook`);
    await page.fill("#r-headers", "Authorization: Bearer n8n-token");
    await page.screenshot({ path: `${ARTIFACTS}/automations-form.png`, fullPage: true });
    await page.click("button:has-text('Create automation')");
    await page.waitForSelector("#rule-secret");
    const secret = (await page.textContent("#rule-secret"))!.trim();
    expect(secret).toMatch(/^whsec_/);

    await page.click("button:has-text('Send a test delivery')");
    await page.waitForSelector("#delivery-log .badge.good:has-text('delivered')", { timeout: 10_000 });
    const row = await page.textContent("#delivery-log tbody tr");
    expect(row).toContain("200");
    expect(row).toContain("test");
    expect(receiver.requests.length).toBe(1);
    const req = receiver.requests[0];
    expect(req.headers.authorization).toBe("Bearer n8n-token");
    expect((new Webhook(secret).verify(req.body, req.headers) as any).type).toBe("aurea.test");
    await page.screenshot({ path: `${ARTIFACTS}/automations.png`, fullPage: true });

    // The list shows the rule and its delivery.
    await page.click("text=← Automations");
    await page.waitForSelector("text=Purchases to n8n");
    expect(await page.textContent("table")).toContain("event purchase");
    await page.screenshot({ path: `${ARTIFACTS}/automations-list.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});
