// URL privacy in Chromium: a real method="get" form puts its fields into the thank-you
// page's URL. Neither the SDK's requests nor the stored events (URL and, on the next
// page, referrer) carry them; campaign tags and the funnel's own parameters stay.
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import type { Browser } from "playwright-core";
import { setKeptParams } from "../../src/funnels/store";
import { browserTestsEnabled, launchBrowser, newDesktopContext, serveSite, type Site } from "../helpers/browser";
import { createTestFunnel, startTestServer, waitForEvents, type TestFunnel, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

const describeBrowser = browserTestsEnabled() ? describe : describe.skip;
const EMAIL = "ada.lovelace@example.com";
const PHONE = "+44 20 7946 0958";

describeBrowser("URL privacy: a GET form's fields never reach analytics", () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  let funnel: TestFunnel;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const head = () =>
      `<script defer src="${server.url}/sdk.js" data-funnel-id="${funnel.id}" data-key="${funnel.publicKey}" data-keep-params="plan"></script>`;
    site = serveSite((url) => {
      if (url.pathname === "/")
        return `<!doctype html><title>Sign up</title>${head()}
          <form method="get" action="/thanks">
            <input name="email" type="email" value="${EMAIL}"><input name="phone" value="${PHONE}">
            <input type="hidden" name="plan" value="pro"><input type="hidden" name="utm_source" value="newsletter">
            <button id="go" type="submit">Sign up</button>
          </form>`;
      if (url.pathname === "/thanks") return `<!doctype html><title>Thanks</title>${head()}<a id="next" href="/next">Continue</a>`;
      if (url.pathname === "/next") return `<!doctype html><title>Next</title>${head()}<p>Welcome</p>`;
      return null;
    });
    funnel = createTestFunnel(server, { name: "Sign-up", url: site.url, origins: [site.url] });
    setKeptParams(server.ctx.store.db, funnel.id, ["plan"]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    site?.stop();
    await server?.stop();
  });

  test("the thank-you page and the page after it are recorded without email or phone", async () => {
    const context = await newDesktopContext(browser);
    const sent: string[] = [];
    context.on("request", (r) => {
      if (r.url().includes("/api/track/events") && r.method() === "POST") sent.push(r.postData() ?? "");
    });
    const page = await context.newPage();
    const views = (n: number) => waitForEvents(server, funnel.id, funnel.secretKey, (e) => e.filter((x) => x.type === "page_view").length >= n, 20_000);
    await page.goto(site.url + "/");
    await views(1);
    await page.click("#go");
    await page.waitForURL("**/thanks?**");
    expect(page.url()).toContain("email=ada.lovelace%40example.com");
    await views(2);
    await page.click("#next");
    await page.waitForURL("**/next");
    const events = await views(3);
    await context.close();

    const thanks = events.find((e) => e.type === "page_view" && e.url.includes("/thanks"))!;
    const next = events.find((e) => e.type === "page_view" && e.url.endsWith("/next"))!;
    expect(thanks.url).toBe(`${site.url}/thanks?plan=pro&utm_source=newsletter`);
    expect(next.referrer).toBe(`${site.url}/thanks?plan=pro&utm_source=newsletter`);

    const everything = JSON.stringify(events) + sent.join("\n");
    expect(sent.length).toBeGreaterThan(0);
    for (const secret of ["ada.lovelace", "lovelace%40", "7946", "phone="]) expect(everything).not.toContain(secret);
  });
});
