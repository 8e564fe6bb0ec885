// The live view over Server-Sent Events in Chromium, against a server that processes
// on its own thread (as `aurea serve` does): a new event appears without a reload; the
// stream cut by the server resumes from Last-Event-ID with no duplicate and no gap;
// the "right now" card moves; a stream needs a signed-in user and a real funnel.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { grantFunnels } from "../../src/web/auth/funnel-access";
import { createUser } from "../../src/web/auth/users";
import { browserTestsEnabled, launchBrowser, newDesktopContext } from "../helpers/browser";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);
const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const SHOP = "https://shop.example";

describeBrowser("live view over SSE", () => {
  let server: TestServer;
  let funnel: TestFunnel;
  let browser: Browser;
  let page: Page;
  let sent = 0;
  const problems: string[] = [];

  async function send(names: string[], anon = "ana") {
    const events = names.map((name) => ({ id: eventId(), type: "track", name, anonymousId: anon, sessionId: `s-${anon}`, url: `${SHOP}/launch` }));
    const res = await sendEvents(server, { funnelId: funnel.id, key: funnel.publicKey, events }, { origin: SHOP });
    expect(res.status).toBe(202);
    sent += events.length;
  }
  const rowsNamed = (name: string) => page.locator(`#live-list .live-event a:text-is("${name}")`).count();
  const waitRow = (name: string) =>
    page.waitForFunction((n) => [...document.querySelectorAll("#live-list .live-event a")].some((a) => a.textContent === n), name, { timeout: 15_000 });

  beforeAll(async () => {
    server = await startTestServer({ processingThread: true });
    funnel = createTestFunnel(server, { name: "Launch day" });
    await createUser(server.ctx.store.db, { email: "owner@example.com", password: "a long enough passphrase", role: "owner" });
    await send(["first_event"]);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= sent);
    browser = await launchBrowser();
    const context = await newDesktopContext(browser);
    page = await context.newPage();
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/funnels/${funnel.id}?range=today`);
    await page.waitForURL("**/login**");
    await page.fill("#email", "owner@example.com");
    await page.fill("#password", "a long enough passphrase");
    await page.click("button[type=submit]");
    await page.waitForSelector('#analytics[data-tz="Europe/Paris"]');
    await page.waitForFunction(() => document.getElementById("live-status")?.textContent === "Live");
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("an event sent to ingest appears in the open dashboard, and the now card counts its visitor", async () => {
    await send(["sse_probe"], "ben");
    await waitRow("sse_probe");
    expect(await page.textContent("#live-list li:first-child")).toContain("sse_probe");
    await page.waitForFunction(() => document.getElementById("now-visitors")?.textContent === "2", null, { timeout: 15_000 });
    expect(await page.textContent("#now-body")).toContain("/launch");
  });

  test("a cut stream resumes from Last-Event-ID: no duplicate, no gap", async () => {
    // Cut every stream of the funnel, then send while the tab reconnects.
    server.running.live.closeAll(funnel.id);
    await send(["gap_1", "gap_2", "gap_3"]);
    await waitForEvents(server, funnel.id, funnel.secretKey, (es) => es.length >= sent);
    await send(["after_1"]);
    for (const n of ["gap_1", "gap_2", "gap_3", "after_1"]) await waitRow(n);
    await Bun.sleep(500); // anything doubled would have arrived by now
    for (const n of ["first_event", "sse_probe", "gap_1", "gap_2", "gap_3", "after_1"]) expect(await rowsNamed(n)).toBe(1);
    const ids = await page.$$eval("#live-list li", (lis) => lis.map((li) => li.getAttribute("data-row-id")));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(sent);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(problems).toEqual([]);
  });

  test("the stream is authorised like the page", async () => {
    const anonymous = await fetch(`${server.url}/funnels/${funnel.id}/live/stream`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toContain("/login");
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const missing = await fetch(`${server.url}/funnels/fn_nope/live/stream`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    const bad = await fetch(`${server.url}/funnels/${funnel.id}/live/stream?after=abc`, { headers: { cookie } });
    expect(bad.status).toBe(400);
  });

  test("a viewer of another funnel gets 403 from this funnel's stream; their own stream is live", async () => {
    const other = createTestFunnel(server, { name: "Other shop" });
    const viewer = await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "a long enough passphrase", role: "viewer" });
    grantFunnels(server.ctx.store.db, viewer.id, [other.id], Date.now());
    const first = { id: eventId(), type: "page_view", anonymousId: "cleo", sessionId: "s-cleo", url: `${SHOP}/` };
    expect((await sendEvents(server, { funnelId: other.id, key: other.publicKey, events: [first] }, { origin: SHOP })).status).toBe(202);
    await waitForEvents(server, other.id, other.secretKey, (es) => es.length >= 1);
    const context = await newDesktopContext(browser);
    const tab = await context.newPage();
    try {
      await tab.goto(`${server.url}/login`);
      await tab.fill("#email", "viewer@example.com");
      await tab.fill("#password", "a long enough passphrase");
      await tab.click("button[type=submit]");
      await tab.waitForURL("**/funnels");
      // Their own funnel's dashboard streams.
      await tab.goto(`${server.url}/funnels/${other.id}?range=today`);
      await tab.waitForFunction(() => document.getElementById("live-status")?.textContent === "Live", null, { timeout: 15_000 });
      // The stream of a funnel they were not given: 403, and an EventSource on it never opens.
      const outcome = await tab.evaluate(async (url) => {
        const status = (await fetch(url, { headers: { accept: "text/event-stream" } })).status;
        const opened = await new Promise<string>((resolve) => {
          const es = new EventSource(url);
          es.onopen = () => (es.close(), resolve("open"));
          es.onerror = () => (es.close(), resolve(es.readyState === EventSource.CLOSED ? "closed" : "error"));
        });
        return { status, opened };
      }, `${server.url}/funnels/${funnel.id}/live/stream`);
      expect(outcome).toEqual({ status: 403, opened: "closed" });
      const page403 = await tab.goto(`${server.url}/funnels/${funnel.id}`);
      expect(page403?.status()).toBe(403);
      expect(await tab.textContent("main")).toContain("You do not have access to this funnel");
    } finally {
      await context.close();
    }
  });
});
