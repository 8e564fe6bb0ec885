// Settings → Payments in Chromium: the section loads, connecting Stripe shows the URL to
// paste, and a delivery that arrives shows up as verified, with no script or CSP error.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { createTestFunnel, startTestServer, type TestServer } from "../helpers/server";
import { post, stripeEvent, stripeSignature } from "../payments/webhook-helpers";
import { signedInOwner } from "../web/client";

setDefaultTimeout(120_000);
const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const SECRET = "whsec_Y2hyb21pdW0gc2V0dGluZ3MgdGVzdA==";

describeBrowser("Settings → Payments in Chromium", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync("test-artifacts", { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("connect Stripe, paste the URL, see the delivery verified", async () => {
    const owner = await signedInOwner(server);
    const funnel = createTestFunnel(server);
    const context = await newDesktopContext(browser);
    await context.addCookies([{ name: "aurea_session", value: owner.cookie!.split("=")[1], url: server.url }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
    });

    await page.goto(`${server.url}/funnels/${funnel.id}/settings`);
    await page.locator("#payments-panel").waitFor();
    await page.selectOption("#pay-provider", "stripe");
    await page.fill("#pay-secret", SECRET);
    await page.click("#payments-panel button[type=submit].primary");
    await page.getByText("Stripe connected").waitFor();
    const url = `${server.url}/api/payments/stripe/${funnel.id}`;
    expect(await page.locator("#pay-url-stripe").textContent()).toBe(url);
    expect(await page.content()).not.toContain(SECRET);

    const body = stripeEvent("checkout.session.completed", { id: "cs_e2e", payment_status: "paid", amount_total: 2500, currency: "eur", payment_intent: "pi_e2e" });
    expect((await post(url, body, { "stripe-signature": await stripeSignature(body, SECRET) })).status).toBe(200);
    await page.reload();
    await page.locator("#payments-panel .badge.good", { hasText: "verified" }).first().waitFor();
    await page.screenshot({ path: "test-artifacts/settings-payments.png", fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
