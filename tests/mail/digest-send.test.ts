// `aurea report send` against a real SMTP server: the digest's numbers are the read
// API's for the same period, it carries RFC 8058 unsubscribe headers, and its HTML
// part renders in Chromium (screenshot kept in tests/mail/.artifacts for a look).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setMainCurrency } from "../../src/funnels/currency";
import { parseSteps, saveSteps } from "../../src/funnels/steps-definition";
import { localDate } from "../../src/analytics/timezone";
import { startFixture, type Fixture } from "../analytics/fixture";
import { browserTestsEnabled, launchBrowser } from "../helpers/browser";
import { runCli } from "../helpers/process";
import { startTestSmtp, type Received, type TestSmtp } from "../helpers/smtp";

let f: Fixture;
let smtp: TestSmtp;
let mail: Received;
const day = localDate(Date.now() - 20 * 60_000, "UTC");
const PUBLIC = "https://aurea.example";

beforeAll(async () => {
  f = await startFixture();
  const steps = parseSteps({ window: "7d", steps: [{ name: "Pricing", page: "/pricing" }, { name: "Checkout", event: "checkout_initiated" }, { name: "Purchase", event: "purchase" }] });
  if (!steps.ok) throw new Error(JSON.stringify(steps.errors));
  saveSteps(f.server.ctx.store.db, f.funnel.id, steps.value);
  // Cleo's verified 100 USD in the main currency; Ana's unverified 49 EUR apart.
  setMainCurrency(f.server.ctx.store.sqlite, f.funnel.id, "USD");
  smtp = await startTestSmtp();
  const r = await runCli(["report", "send", "--funnel", f.funnel.id, "--period", `${day}..${day}`, "--to", "Founder@Example.com", "--data", f.server.dataDir, "--json"], {
    env: { AUREA_SMTP_URL: smtp.url, AUREA_MAIL_FROM: "Aurea <reports@example.com>", AUREA_PUBLIC_URL: PUBLIC },
  });
  if (r.code !== 0) throw new Error(`report send: ${r.code} ${r.stdout} ${r.stderr}`);
  [mail] = await smtp.waitFor(1);
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await f?.server.stop();
});

async function api(path: string) {
  const res = await fetch(`${f.server.url}/api/v1/funnels/${f.funnel.id}${path}`, { headers: { authorization: `Bearer ${f.funnel.secretKey}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const money = (minor: number, currency: string) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);

test("the digest's numbers are the read API's for the same period", async () => {
  const range = `from=${day}&to=${day}`;
  const stats = await api(`/stats?${range}`);
  const revenue = await api(`/revenue?${range}&breakdown=channel`);
  const text = mail.parsed.text ?? "";
  expect(stats.visitors).toBe(3);
  expect(text).toContain(`Visitors: ${stats.visitors} (`);
  expect(text).toContain(`Conversions: ${stats.conversions} (`);
  expect(revenue.verifiedNet).toBeGreaterThan(0);
  const net = revenue.verifiedNet;
  expect(revenue.currency).toBe("USD");
  expect(text).toContain(`Verified net revenue: ${money(net, "USD")} (`);
  expect(text).toContain(`Revenue per visitor: ${money(Math.round(net / stats.visitors), "USD")} (`);
  // Top source by verified revenue is the API's first row; the EUR order is not summed in.
  const top = revenue.rows[0];
  expect(text).toContain(`  ${top.value}: ${money(top.verifiedNet, "USD")} (${top.orders} orders)`);
  expect(revenue.otherCurrencies.EUR.verifiedNet).toBe(0);
  // The funnel's leak and the landing pages.
  expect(text).toContain("Pricing -> Checkout: 2 reached, 1 lost (50%)");
  expect(text).toContain("  /pricing: 1 visits, $0.00");
  expect(text).toContain(`  /blog/hello: 1 visits, ${money(net, "USD")}`);
  expect(mail.parsed.subject).toContain("Test funnel:");
});

test("one-click unsubscribe headers, dashboard link for the same period, both parts", () => {
  const raw = mail.raw.replace(/\r?\n[ \t]+/g, " ");
  expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im);
  const unsub = raw.match(/^List-Unsubscribe: <([^>]+)>/im)?.[1];
  expect(unsub).toStartWith(`${PUBLIC}/reports/unsubscribe/`);
  expect(mail.to).toEqual(["founder@example.com"]);
  expect(mail.parsed.html).toContain(`${PUBLIC}/funnels/${f.funnel.id}?range=custom&amp;from=${day}&amp;to=${day}&amp;tz=UTC`);
  expect(mail.parsed.text).toContain(`Unsubscribe from this report: ${unsub}`);
  expect(mail.parsed.html).not.toMatch(/<img|<script|src=/i);
});

test.skipIf(!browserTestsEnabled())("the HTML part renders in Chromium, narrow and wide", async () => {
  const browser = await launchBrowser();
  try {
    const dir = join(import.meta.dir, ".artifacts");
    mkdirSync(dir, { recursive: true });
    for (const width of [380, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.route("**/*", (route) => route.abort());
      await page.setContent(String(mail.parsed.html), { waitUntil: "load" });
      expect(await page.locator("h1").innerText()).toBe(`Report: ${day}`);
      await page.screenshot({ path: join(dir, `digest-${width}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}, 120_000);
