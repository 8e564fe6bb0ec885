// Headless Chromium for browser tests, driven by playwright-core (no bundled browser:
// it uses the system's /usr/bin/chromium). Without Chromium the browser tests are
// skipped, unless AUREA_REQUIRE_BROWSER=1, where they fail instead.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.AUREA_CHROMIUM ?? "/usr/bin/chromium";

// The server drops "HeadlessChrome" as a bot, so the pages look like a desktop Chrome.
export const DESKTOP_CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36";

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** True when browser tests must run: Chromium is there, or it is required (and then they fail). */
export function browserTestsEnabled(): boolean {
  return browserAvailable() || process.env.AUREA_REQUIRE_BROWSER === "1";
}

/**
 * Every test browser's flags. Other hosts than 127.0.0.1 and localhost resolve to
 * nothing, so a test never reaches the internet (a link to Stripe or Discord opens an
 * error page; its request is still seen). This is done by the resolver and not by
 * Playwright's request routing: a routed context holds every request until the test
 * process lets it go, and a beacon sent while a tab closes could then be dropped with
 * the tab, which a real browser does not do. The user agent is the browser's too,
 * since a beacon sent while a page unloads ignores the context's.
 */
export const BROWSER_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
  `--user-agent=${DESKTOP_CHROME_UA}`,
];

export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (AUREA_REQUIRE_BROWSER=1 requires it)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: BROWSER_ARGS });
}

/** A desktop-looking context. */
export async function newDesktopContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    userAgent: DESKTOP_CHROME_UA,
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: "Europe/Paris",
  });
}

const FIXTURE = join(import.meta.dir, "../fixtures/sdk-funnel.html");

export interface FixtureVars {
  aureaUrl: string;
  funnelId: string;
  publicKey: string;
  /** Extra attributes for the SDK's script tag, e.g. `data-cookieless`. */
  sdkAttrs?: string;
}

/** The fixture sales page with the SDK pointed at a running Aurea. */
export function fixturePage(vars: FixtureVars): string {
  return readFileSync(FIXTURE, "utf8")
    .replaceAll("__AUREA_URL__", vars.aureaUrl)
    .replaceAll("__FUNNEL_ID__", vars.funnelId)
    .replaceAll("__PUBLIC_KEY__", vars.publicKey)
    .replaceAll("__SDK_ATTRS__", vars.sdkAttrs ?? "");
}

export interface Site {
  url: string;
  stop(): void;
}

/** A site on 127.0.0.1:random; `respond` gives each path's HTML (or a Response; null is 404). */
export function serveSite(respond: (url: URL) => string | Response | null): Site {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const out = respond(new URL(req.url));
      if (out instanceof Response) return out;
      if (out === null) return new Response("not found", { status: 404 });
      return new Response(out, { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
