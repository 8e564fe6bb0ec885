// The Experiments tab through a real server, as a signed-in owner (and a viewer): the
// create form with CSRF and its errors, escaping, the results page with the SRM alert
// at the top, and stopping with a winner.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../../src/web/auth/users";
import { insertEvent } from "../helpers/layout-rows";
import { LIMITS } from "../../src/ingest/payload";
import { createTestFunnel, DESKTOP_CHROME, IPHONE_SAFARI, processed, sendEvents, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "../web/client";
import { grantFunnels } from "../../src/web/auth/funnel-access";

let server: TestServer;
let owner: Browserish;
let funnel: TestFunnel;
const base = () => `/funnels/${funnel.id}/experiments`;
const form = (over: Record<string, string> = {}) => ({ _csrf: owner.csrf, key: "headline", variants: "a:50,b:50", metric: "conversion:signup", secondary: "", splitUrls: "", mde: "10%", ...over });

/**
 * Exposures: `n` visitors of `variant`, every `every`-th signing up after. Written straight
 * into SQLite's event tables (fast); with events in ClickHouse, through the ingest API.
 */
async function expose(key: string, variant: string, n: number, every: number, device: string) {
  if (server.clickhouse) return exposeThroughIngest(key, variant, n, every, device);
  const sqlite = server.ctx.store.sqlite;
  const now = Date.now();
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const visitor = crypto.randomUUID();
      const at = { funnel_id: funnel.id, anonymous_id: visitor, session_id: visitor, device, channel: "direct" };
      insertEvent(sqlite, { ...at, id: crypto.randomUUID(), type: "track", name: "$exposure", ts: now, props: JSON.stringify({ experiment: key, variant }) });
      if (i % every === 0) insertEvent(sqlite, { ...at, id: crypto.randomUUID(), type: "conversion", name: "signup", ts: now + 1 });
    }
  })();
}

async function exposeThroughIngest(key: string, variant: string, n: number, every: number, device: string) {
  const now = Date.now();
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const visitor = crypto.randomUUID();
    const at = { anonymousId: visitor, sessionId: visitor };
    events.push({ ...at, id: crypto.randomUUID(), type: "track", name: "$exposure", ts: now, props: { experiment: key, variant } });
    if (i % every === 0) events.push({ ...at, id: crypto.randomUUID(), type: "conversion", name: "signup", ts: now + 1 });
  }
  const ua = device === "mobile" ? IPHONE_SAFARI : DESKTOP_CHROME;
  for (let i = 0; i < events.length; i += LIMITS.maxEvents) {
    // From the page (the public key), so that the device comes from the browser's user agent.
    const batch = { funnelId: funnel.id, key: funnel.publicKey, events: events.slice(i, i + LIMITS.maxEvents) };
    const res = await sendEvents(server, batch, { "user-agent": ua, origin: "https://shop.example" });
    if (res.status !== 202) throw new Error(`expose: ${res.status} ${JSON.stringify(res.json)}`);
  }
  await processed(server);
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
  funnel = createTestFunnel(server);
});
afterAll(() => server.stop());

describe("Experiments tab", () => {
  test("empty at first, with the create form for owners; CSRF is required", async () => {
    const page = await owner.load(base());
    expect(page).toContain("No experiments yet");
    expect(page).toContain('action="' + base() + '"');
    expect(page).toContain('aria-current="page">Experiments');
    expect((await owner.post(base(), { ...form(), _csrf: "wrong" })).status).toBe(403);
  });

  test("a mistake re-renders the form with the message and the values, escaped", async () => {
    const res = await owner.post(base(), form({ variants: "a:50,b:40", key: '"><script>alert(1)</script>' }));
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toContain("key: expected 1–64 letters");
    expect(text).not.toContain("<script>alert(1)</script>");
    expect(text).toContain("&lt;script&gt;");
    const weights = await (await owner.post(base(), form({ variants: "a:50,b:40" }))).text();
    expect(weights).toContain("weights must sum to 100, they sum to 90");
  });

  test("create → results page; hostile metric text is escaped on the list", async () => {
    const res = await owner.post(base(), form({ key: "hostile", metric: "conversion:<img src=x onerror=alert(1)>" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${base()}/hostile`);
    const list = await owner.load(base());
    expect(list).toContain("conversion:&lt;img src=x onerror=alert(1)&gt;");
    expect(list).not.toContain("<img src=x");
    const results = await owner.load(`${base()}/hostile`);
    expect(results).toContain("the conversion &quot;&lt;img src=x onerror=alert(1)&gt;&quot;");
  });

  test("results in plain words, the SRM alert at the top, then stop with a winner", async () => {
    expect((await owner.post(base(), form({ key: "srm" }))).status).toBe(303);
    // 60/40 on a 50/50 test with 5,000 visitors.
    await expose("srm", "a", 3000, 10, "desktop");
    await expose("srm", "b", 2000, 8, "mobile");
    const page = await owner.load(`${base()}/srm`);
    const alert = page.indexOf("Sample ratio mismatch");
    expect(alert).toBeGreaterThan(0);
    expect(alert).toBeLessThan(page.indexOf("Exposed visitors"));
    expect(page).toContain("3,000");
    expect(page).toContain("10.0% (9.0%–11.1%)");
    expect(page).toContain("chance that b is better than a");
    expect(page).toContain("percentage points (95% interval)");
    expect(page).toContain("Do not stop early on a good day");
    expect(page).toContain("exposed visitors per variant");
    expect(page).toContain("By device type");
    expect(page).toContain("mobile");
    expect(page).toContain("normal approximation");

    const stop = await owner.post(`${base()}/srm/stop`, { _csrf: owner.csrf, winner: "b" });
    expect(stop.status).toBe(303);
    expect(await owner.load(`${base()}/srm`)).toContain("Stopped: everyone sees b");
  });

  test("viewers read results but cannot start or stop experiments", async () => {
    grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [funnel.id], Date.now());
    const v = client(server);
    await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" });
    const page = await v.load(base());
    expect(page).toContain("hostile");
    expect(page).not.toContain("Start an experiment");
    expect((await v.post(base(), { ...form(), _csrf: v.csrf })).status).toBe(403);
  });
});
