// The alerts page in headless Chromium: email off is said; a hostile address is refused
// and shown as text; a conversion-drop alert and a daily sale summary are added through
// the real forms (CSRF included), listed, and one is removed. Screenshot:
// test-artifacts/alerts.png.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { fireAlert } from "../../src/alerts/firings";
import { listAlerts } from "../../src/alerts/rules";
import { resolveMail } from "../../src/config";
import { JobQueue } from "../../src/jobs/queue";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { signedInOwner } from "../web/client";

setDefaultTimeout(120_000);
const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const ARTIFACTS = "test-artifacts";

describeBrowser("alerts in the dashboard (Chromium)", () => {
  let server: TestServer;
  let funnel: TestFunnel;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    funnel = createTestFunnel(server, { name: "Spring launch" });
    browser = await launchBrowser();
    const context = await newDesktopContext(browser);
    page = await context.newPage();
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("dialog", (d) => (dialogs.push(d.message()), d.dismiss()));
    await page.goto(`${server.url}/setup`);
    await page.fill("#email", "owner@example.com");
    await page.fill("#password", "a long enough passphrase");
    await page.fill("#confirm", "a long enough passphrase");
    await page.click("button[type=submit]");
    await page.waitForURL("**/funnels");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const rules = () => listAlerts(server.ctx.store.sqlite, funnel.id);

  test("email off is said; a hostile address is refused and shown as text", async () => {
    await page.goto(`${server.url}/funnels/${funnel.id}/alerts`);
    expect(await page.textContent("main")).toContain("Email is off.");
    expect(await page.textContent("main")).toContain("No alerts yet");
    await page.click('details:has(form[data-alert-form="conversion_drop"]) summary');
    await page.fill("#al-conversion_drop-to", '<img src=x onerror="alert(1)">');
    await page.click('form[data-alert-form="conversion_drop"] button[type=submit]');
    await page.waitForSelector('form[data-alert-form="conversion_drop"] .alert.bad');
    expect(await page.textContent('form[data-alert-form="conversion_drop"] .alert.bad')).toContain("is not an email address");
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.inputValue("#al-conversion_drop-to")).toBe('<img src=x onerror="alert(1)">');
    expect(rules()).toEqual([]);
  });

  test("add a conversion-drop alert and a daily sale summary through the forms, then remove one", async () => {
    await page.goto(`${server.url}/funnels/${funnel.id}/alerts`);
    await page.click('details:has(form[data-alert-form="conversion_drop"]) summary');
    await page.fill("#al-conversion_drop-percent", "40");
    await page.fill("#al-conversion_drop-minVisits", "20");
    await page.fill("#al-conversion_drop-to", "ops@example.com\nFounder@Example.com");
    await page.fill("#al-conversion_drop-window", "2h");
    await Promise.all([page.waitForURL("**/alerts?added=*"), page.click('form[data-alert-form="conversion_drop"] button[type=submit]')]);
    expect(await page.textContent("main")).toContain("Conversion rate more than 40% below the same weekday's, with at least 20 visits");

    await page.click('details:has(form[data-alert-form="sale"]) summary');
    await page.selectOption("#al-sale-mode", "daily");
    // The page is already at ?added=<first>: wait for the second rule's id, not any ?added=.
    const firstAdded = new URL(page.url()).searchParams.get("added");
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has("added") && u.searchParams.get("added") !== firstAdded),
      page.click('form[data-alert-form="sale"] button[type=submit]'),
    ]);
    const added = rules();
    expect(added.map((r) => [r.kind, r.params, r.recipients, r.windowSeconds])).toEqual([
      ["conversion_drop", { percent: 40, minVisits: 20 }, ["ops@example.com", "founder@example.com"], 7200],
      ["sale", { mode: "daily" }, ["owner@example.com"], 0],
    ]);

    // The list says when each last fired.
    const drop = added[0];
    server.ctx.store.sqlite.transaction(() => fireAlert(server.ctx.store.sqlite, new JobQueue(server.ctx.store.sqlite), drop, "w1", { subject: "[Aurea] Spring launch: conversion rate <b>0.8%</b>", text: "x" }, Date.now()))();
    await page.reload();
    expect(await page.textContent("main")).toContain("[Aurea] Spring launch: conversion rate <b>0.8%</b>");
    expect(await page.textContent("main")).toContain("Daily summary of yesterday's verified sales");
    await page.screenshot({ path: `${ARTIFACTS}/alerts.png`, fullPage: true });

    await page.click(`form[data-remove-alert="${drop.id}"] button`);
    await page.waitForSelector(`form[data-remove-alert="${drop.id}"]`, { state: "detached" });
    expect(rules().map((r) => r.kind)).toEqual(["sale"]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("a form post without the CSRF token is refused; with SMTP set the page names the server", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${server.url}/funnels/${funnel.id}/alerts`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ kind: "disk_low", freeMb: "100", to: "ops@example.com" }),
    });
    expect(res.status).toBe(403);
    expect(rules().map((r) => r.kind)).toEqual(["sale"]);

    const withMail = await startTestServer({ mail: resolveMail({ _: [], "smtp-url": "smtp://127.0.0.1:2525", "mail-from": "alerts@example.com" }) ?? undefined });
    try {
      const o = await signedInOwner(withMail);
      const f = createTestFunnel(withMail);
      const text = await o.load(`/funnels/${f.id}/alerts`);
      expect(text).toContain("Alerts go out through smtp://127.0.0.1:2525");
      expect(text).not.toContain("Email is off.");
    } finally {
      await withMail.stop();
    }
  });
});
