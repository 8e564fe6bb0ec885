// Installing the script tag: the full public key everywhere it is needed, a new
// public key for funnels that only have its hash, install diagnostics.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestServer } from "../helpers/server";
import { signedInOwner, type Browserish } from "./client";

setDefaultTimeout(120_000);

let server: TestServer;
let owner: Browserish;
beforeEach(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
});
afterEach(async () => {
  await server.stop();
});

const unescape = (s: string) => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
/** The text the Copy button of `#id` copies (app.js copies the element's text). */
const copied = (page: string, id: string) => unescape(page.match(new RegExp(`<code id="${id}"[^>]*>([^<]*)</code>`))![1]);
const pageView = (f: { id: string }, key: string) =>
  sendEvents(server, { funnelId: f.id, key, events: [{ id: eventId(), type: "page_view", url: "https://shop.example/" }] }, { origin: "https://shop.example" });

describe("the public key in full", () => {
  test("the empty state and Settings → Installation show (and copy) the full script tag", async () => {
    const f = createTestFunnel(server);
    const tag = `<script defer src="${server.url}/sdk.js" data-funnel-id="${f.id}" data-key="${f.publicKey}"></script>`;
    const overview = await owner.load(`/funnels/${f.id}`);
    expect(overview).toContain("No events yet");
    expect(copied(overview, "install-snippet")).toBe(tag);
    const settings = await owner.load(`/funnels/${f.id}/settings`);
    expect(copied(settings, "install-snippet")).toBe(tag);
    expect(copied(settings, "key-public")).toBe(f.publicKey);
    expect(settings).not.toContain(f.secretKey);
    expect((await pageView(f, f.publicKey)).status).toBe(202);
  });

  test("a funnel with only the hash of its public key: a clear offer of a new public key; the secret key keeps working", async () => {
    const f = createTestFunnel(server);
    server.ctx.store.sqlite.run("UPDATE funnels SET public_key = NULL WHERE id = ?", [f.id]);
    for (const path of [`/funnels/${f.id}`, `/funnels/${f.id}/settings`]) {
      const text = await owner.load(path);
      expect(text).toContain("New public key");
      expect(text).toContain("The current public key stops working at once");
      expect(text).not.toContain('id="install-snippet"');
      expect(text).not.toContain(f.publicKey);
    }
    const res = await owner.post(`/funnels/${f.id}/rotate-public-key`, { _csrf: owner.csrf, back: "overview" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/funnels/${f.id}`);
    const overview = await owner.load(`/funnels/${f.id}`);
    const publicKey = copied(overview, "install-snippet").match(/data-key="(pk_[\w-]+)"/)![1];
    expect(publicKey).not.toBe(f.publicKey);
    // Ingest sees the new key at once (the key cache reloads on the change stamp); the old one is refused.
    const deadline = Date.now() + 10_000;
    while ((await pageView(f, publicKey)).status !== 202 && Date.now() < deadline) await Bun.sleep(50);
    expect((await pageView(f, publicKey)).status).toBe(202);
    expect((await pageView(f, f.publicKey)).status).toBe(401);
    const secret = await sendEvents(server, { funnelId: f.id, events: [{ id: eventId(), type: "conversion", name: "purchase" }] }, { authorization: `Bearer ${f.secretKey}` });
    expect(secret.status).toBe(202);
  });

  test("a new public key needs the CSRF token", async () => {
    const f = createTestFunnel(server);
    const res = await owner.post(`/funnels/${f.id}/rotate-public-key`, { _csrf: "wrong" });
    expect(res.status).toBe(403);
  });
});

describe("install diagnostics", () => {
  const send = (f: { id: string }, key: string, origin: string, event: Record<string, unknown> = { id: eventId(), type: "page_view" }) =>
    sendEvents(server, { funnelId: f.id, key, events: [event] }, { origin });

  test("a wrong key, a page on another origin and an invalid event show in Settings and the empty state, with what to fix", async () => {
    const f = createTestFunnel(server);
    const other = createTestFunnel(server, { name: "Other" });
    expect((await send(f, other.publicKey, "https://shop.example")).status).toBe(401);
    expect((await send(f, f.publicKey, "http://localhost:5173")).status).toBe(403);
    expect((await send(f, f.publicKey, "http://localhost:5173")).status).toBe(403);
    expect((await send(f, f.publicKey, "https://shop.example", { type: "page_view" })).status).toBe(400);
    expect((await send(f, f.publicKey, "https://shop.example", { id: eventId(), type: "conversion", revenue: { amount: "lots", currency: "EUR" } })).status).toBe(400);
    expect((await send({ id: "fn_nope" }, f.publicKey, "https://shop.example")).status).toBe(401);

    for (const path of [`/funnels/${f.id}/settings`, `/funnels/${f.id}`]) {
      const text = await owner.load(path);
      expect(text).toContain("Refused requests");
      expect(text).toContain("Wrong key");
      expect(text).toContain(`the public key is not valid for funnel ${f.id}: copy the script tag again`);
      expect(text).toMatch(/Origin not allowed<\/strong> from <code>http:\/\/localhost:5173<\/code>\s*<span class="muted">· 2 times/);
      expect(text).toContain("Allow http://localhost:5173");
      expect(text).toContain("Invalid event");
      expect(text).toContain("events[0].id");
      expect(text).toContain("events[0].revenue.amount");
    }
    // The other funnel saw nothing of this.
    expect(await (await owner.get(`/funnels/${other.id}/install-diagnostics`)).text()).toContain("None since the server started");
  });

  test("allow this origin: added to the funnel, ingest accepts that origin right after, the refusal is gone", async () => {
    const f = createTestFunnel(server);
    expect((await send(f, f.publicKey, "http://localhost:5173")).status).toBe(403);
    await owner.load(`/funnels/${f.id}/settings`);
    const res = await owner.post(`/funnels/${f.id}/allow-origin`, { _csrf: owner.csrf, origin: "http://localhost:5173" }, { "hx-request": "true" });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("is now allowed");
    expect(text).not.toContain("Origin not allowed");
    const origins = server.ctx.store.sqlite.query<{ origins: string }, [string]>("SELECT origins FROM funnels WHERE id = ?").get(f.id)!.origins;
    expect(JSON.parse(origins)).toEqual(["https://shop.example", "http://localhost:5173"]);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await send(f, f.publicKey, "http://localhost:5173")).status) !== 202) await Bun.sleep(50);
    expect(status).toBe(202);
  });

  test("allow this origin needs the CSRF token and a real origin", async () => {
    const f = createTestFunnel(server);
    expect((await owner.post(`/funnels/${f.id}/allow-origin`, { _csrf: "nope", origin: "http://evil.example" })).status).toBe(403);
    expect((await owner.post(`/funnels/${f.id}/allow-origin`, { _csrf: owner.csrf, origin: "javascript:alert(1)" }, { "hx-request": "true" })).status).toBe(422);
    const origins = server.ctx.store.sqlite.query<{ origins: string }, [string]>("SELECT origins FROM funnels WHERE id = ?").get(f.id)!.origins;
    expect(JSON.parse(origins)).toEqual(["https://shop.example"]);
  });

  test("hostile origins and messages stay text", async () => {
    const f = createTestFunnel(server);
    expect((await send(f, f.publicKey, `http://x.example"><img src=x onerror=alert(1)>`)).status).toBe(403);
    const text = await owner.load(`/funnels/${f.id}/settings`);
    expect(text).not.toContain("<img src=x");
    expect(text).toContain("&lt;img src=x");
  });
});

describe("dropped bots", () => {
  test("are counted in Settings → Installation and the read API", async () => {
    const f = createTestFunnel(server);
    expect(await owner.load(`/funnels/${f.id}/settings`)).toContain("No bot traffic dropped so far.");
    const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    const events = [1, 2, 3].map(() => ({ id: eventId(), type: "page_view", url: "https://shop.example/" }));
    expect((await sendEvents(server, { funnelId: f.id, key: f.publicKey, events }, { origin: "https://shop.example", "user-agent": googlebot })).status).toBe(202);
    const deadline = Date.now() + 10_000;
    let status: any;
    do {
      const res = await fetch(`${server.url}/api/v1/funnels/${f.id}/installation`, { headers: { authorization: `Bearer ${f.secretKey}` } });
      status = await res.json();
      if (status.botsDropped === 3) break;
      await Bun.sleep(50);
    } while (Date.now() < deadline);
    expect(status).toEqual({ receiving: false, firstEventAt: null, botsDropped: 3, refused: [] });
    expect(await owner.load(`/funnels/${f.id}/settings`)).toContain("3 events from bots dropped so far");
    expect(await owner.load(`/funnels/${f.id}`)).toContain("3 events from bots dropped so far");
    const denied = await fetch(`${server.url}/api/v1/funnels/${f.id}/installation`, { headers: { authorization: `Bearer ${f.publicKey}` } });
    expect(denied.status).toBe(401);
  });
});

describe("URL privacy", () => {
  test("events from any sender are stored without unlisted query parameters or email addresses; the funnel adds its own", async () => {
    const f = createTestFunnel(server);
    await owner.load(`/funnels/${f.id}/settings`);
    const bad = await owner.post(`/funnels/${f.id}/kept-params`, { _csrf: owner.csrf, kept_params: "plan, a=b" }, { "hx-request": "true" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("&quot;a=b&quot; is not a query parameter name");
    const res = await owner.post(`/funnels/${f.id}/kept-params`, { _csrf: owner.csrf, kept_params: "Plan,\ncoupon" }, { "hx-request": "true" });
    expect(res.status).toBe(200);
    const saved = await res.text();
    expect(saved).toContain('value="plan, coupon"');
    expect(unescape(saved)).toContain(`<code id="install-snippet" hx-swap-oob="true"><script defer src="${server.url}/sdk.js" data-funnel-id="${f.id}" data-key="${f.publicKey}" data-keep-params="plan,coupon"></script></code>`);
    expect(copied(await owner.load(`/funnels/${f.id}/settings`), "install-snippet")).toContain('data-keep-params="plan,coupon"');

    const event = {
      id: eventId(),
      type: "page_view",
      url: "https://shop.example/thanks?email=jo%40example.com&phone=0612345678&plan=pro&utm_campaign=spring&gclid=g1",
      referrer: "https://shop.example/signup/jo@example.com?token=abc&coupon=X",
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    };
    expect((await sendEvents(server, { funnelId: f.id, events: [event] }, { authorization: `Bearer ${f.secretKey}` })).status).toBe(202);
    const [stored] = await waitForEvents(server, f.id, f.secretKey, (e) => e.length === 1);
    expect(stored.url).toBe("https://shop.example/thanks?plan=pro&utm_campaign=spring&gclid=g1");
    expect(stored.referrer).toBe("https://shop.example/signup/[email]?coupon=X");
    expect(stored.utm_campaign).toBe("spring");
    expect(stored.clickId).toBe("gclid");
    // New keys keep the list in the tag they show.
    const rotated = await owner.post(`/funnels/${f.id}/rotate-keys`, { _csrf: owner.csrf }, { "hx-request": "true" });
    expect(copied(await rotated.text(), "snippet-script")).toContain('data-keep-params="plan,coupon"');
  });
});
