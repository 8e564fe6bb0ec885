// /funnels, registering, install check, settings, rotate and delete, through a real server.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { createUser } from "../../src/web/auth/users";
import { createTestFunnel, eventId, sendEvents, startTestServer, waitForEvents, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "./client";
import { grantFunnels } from "../../src/web/auth/funnel-access";

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

const HOSTILE = `<img src=x onerror=alert(1)>"'`;
const count = (table: string, where = "1") =>
  (server.ctx.store.sqlite.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;

async function register(form: Record<string, string | string[]>, htmx = true) {
  return owner.post("/funnels", { _csrf: owner.csrf, ...form }, htmx ? { "hx-request": "true" } : {});
}

describe("registering a funnel", () => {
  test("step 2 shows the keys once, the snippets, and a polling install check", async () => {
    const res = await register({ name: "Spring launch", url: "https://shop.example/spring", capture: ["pageviews", "spa", "forms"] });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain("<!doctype html>");
    const id = text.match(/id="key-funnel-id"[^>]*>(fn_[\w-]+)</)![1];
    const pk = text.match(/id="key-public"[^>]*>(pk_[\w-]+)</)![1];
    const sk = text.match(/id="key-secret"[^>]*>(sk_[\w-]+)</)![1];
    expect(text).toContain(
      `&lt;script defer src=&quot;${server.url}/sdk.js&quot; data-funnel-id=&quot;${id}&quot; data-key=&quot;${pk}&quot; data-scroll=&quot;false&quot; data-outbound=&quot;false&quot; data-clicks=&quot;false&quot; data-sections=&quot;false&quot;&gt;&lt;/script&gt;`,
    );
    expect(text).toContain(`Authorization: Bearer ${sk}`);
    expect(text).toContain("createAurea");
    expect(text).toContain("createAureaServer");
    expect(text).toContain(`hx-get="/funnels/${id}/install-check" hx-trigger="every 2s"`);

    const row = server.ctx.store.sqlite.query<{ origins: string; capture: string; public_key_hash: string }, [string]>(
      "SELECT origins, capture, public_key_hash FROM funnels WHERE id = ?",
    ).get(id)!;
    expect(JSON.parse(row.origins)).toEqual(["https://shop.example"]);
    expect(JSON.parse(row.capture)).toEqual({ pageviews: true, spa: true, forms: true, scroll: false, outbound: false, clicks: false, sections: false });
    expect(row.public_key_hash).not.toContain(pk);

    // The keys work: the install check waits, then reports events and stops polling (286).
    let check = await owner.get(`/funnels/${id}/install-check`, { "hx-request": "true" });
    expect(check.status).toBe(200);
    expect(await check.text()).toContain("Waiting for the first event");
    const sent = await sendEvents(server, { funnelId: id, key: pk, events: [{ id: eventId(), type: "page_view", url: "https://shop.example/spring" }] }, { origin: "https://shop.example" });
    expect(sent.status).toBe(202);
    await waitForEvents(server, id, sk, (e) => e.length === 1);
    check = await owner.get(`/funnels/${id}/install-check`, { "hx-request": "true" });
    expect(check.status).toBe(286);
    expect(await check.text()).toContain("Receiving events");
  });

  test("origins: one per line, normalised; the snippet uses the origin the browser sees", async () => {
    await server.stop();
    server = await startTestServer({ trustProxy: true });
    owner = await signedInOwner(server);
    const res = await owner.post(
      "/funnels",
      { _csrf: owner.csrf, name: "Multi", url: "https://a.example/x", origins: "https://A.example:443/\r\n\r\nhttp://b.example:8080" },
      { "hx-request": "true", "x-forwarded-proto": "https", "x-forwarded-host": "stats.example.org" },
    );
    expect(res.status).toBe(201);
    expect(await res.text()).toContain("https://stats.example.org/sdk.js");
    const origins = server.ctx.store.sqlite.query<{ origins: string }, []>("SELECT origins FROM funnels").get()!.origins;
    expect(JSON.parse(origins)).toEqual(["https://a.example", "http://b.example:8080"]);
  });

  test("bad input: 422 with the form, the values kept and a message saying where", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ name: "", url: "https://x.example" }, "Name: must not be empty"],
      [{ name: "x", url: "not a url" }, "URL: "],
      [{ name: "x", url: "ftp://x.example" }, "URL: "],
      [{ name: "x", url: "https://x.example", origins: "https://ok.example\nnope" }, "Allowed origins, line 2"],
      [{ name: "x".repeat(201), url: "https://x.example" }, "at most 200"],
    ];
    for (const [form, message] of cases) {
      const res = await register(form);
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(text).toContain(message);
      expect(text).toContain('name="url"');
      if (form.origins) expect(text).toContain("https://ok.example\nnope");
    }
    expect(count("funnels")).toBe(0);
  });

  test("without htmx the form posts to a full page", async () => {
    const page = await owner.load("/funnels/new");
    expect(page).toContain('action="/funnels"');
    const res = await register({ name: "Plain", url: "https://plain.example" }, false);
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).toContain("<!doctype html>");
    expect(text).toContain("sk_");
  });
});

describe("the funnel list", () => {
  test("cards show 7-day visitors, conversions and revenue", async () => {
    const a = createTestFunnel(server, { name: "Alpha" });
    createTestFunnel(server, { name: "Beta" });
    const now = Date.now();
    const events = [
      { id: eventId(), type: "page_view", anonymousId: "v1", url: "https://shop.example/", ts: now - 3 * 86_400_000 },
      { id: eventId(), type: "page_view", anonymousId: "v2", url: "https://shop.example/" },
      { id: eventId(), type: "conversion", name: "purchase", anonymousId: "v2", revenue: { amount: 49.5, currency: "EUR" } },
      { id: eventId(), type: "page_view", anonymousId: "old", url: "https://shop.example/", ts: now - 9 * 86_400_000 },
    ];
    expect((await sendEvents(server, { funnelId: a.id, events }, { authorization: `Bearer ${a.secretKey}` })).status).toBe(202);
    await waitForEvents(server, a.id, a.secretKey, (e) => e.length === 4);
    const text = await owner.load("/funnels");
    const alpha = text.slice(text.indexOf(">Alpha<"), text.indexOf(">Beta<") > text.indexOf(">Alpha<") ? text.indexOf(">Beta<") : undefined);
    expect(alpha).toMatch(/stat-value">2<\/div><div class="stat-label">Visitors/);
    expect(alpha).toMatch(/stat-value">1<\/div><div class="stat-label">Conversions/);
    expect(alpha).toContain("€49.50");
    expect(alpha).toContain("<svg class=\"sparkline\"");
    expect(alpha).toContain("Receiving events");
    expect(text).toContain("Waiting for first event");
  });

  test("a hostile funnel name is shown as text everywhere", async () => {
    const f = createTestFunnel(server, { name: HOSTILE });
    const escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;&#39;";
    for (const path of ["/funnels", `/funnels/${f.id}/settings`, `/funnels/menu?current=${f.id}`]) {
      const text = await owner.load(path);
      expect(text).not.toContain("<img src=x");
      expect(text).toContain(escaped);
    }
  });

  test("the switcher menu lists every funnel and marks the current one", async () => {
    const a = createTestFunnel(server, { name: "Alpha" });
    createTestFunnel(server, { name: "Beta" });
    const text = await owner.load(`/funnels/menu?current=${a.id}`);
    expect(text).toContain(`href="/funnels/${a.id}" aria-current="true">Alpha</a>`);
    expect(text).toContain(">Beta</a>");
  });
});

describe("settings", () => {
  test("saving details and retention; bad retention is a 422", async () => {
    const f = createTestFunnel(server, { name: "Shop" });
    const form = { _csrf: owner.csrf, name: "Shop EU", url: "https://eu.shop.example/", description: "EU store", origins: "https://eu.shop.example\nhttps://shop.example", retention_days: "30" };
    let res = await owner.post(`/funnels/${f.id}/settings`, form, { "hx-request": "true" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
    const row = server.ctx.store.sqlite.query<any, [string]>("SELECT name, url, description, origins, retention_days FROM funnels WHERE id = ?").get(f.id);
    expect(row).toEqual({ name: "Shop EU", url: "https://eu.shop.example/", description: "EU store", origins: '["https://eu.shop.example","https://shop.example"]', retention_days: 30 });

    res = await owner.post(`/funnels/${f.id}/settings`, { ...form, retention_days: "-3" }, { "hx-request": "true" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Data retention");
    res = await owner.post(`/funnels/${f.id}/settings`, { ...form, retention_days: "" });
    expect(res.status).toBe(303);
    expect(server.ctx.store.sqlite.query<any, [string]>("SELECT retention_days FROM funnels WHERE id = ?").get(f.id)).toEqual({ retention_days: null });
    // Empty origins fall back to the URL's origin.
    await owner.post(`/funnels/${f.id}/settings`, { ...form, origins: "" });
    expect(server.ctx.store.sqlite.query<any, [string]>("SELECT origins FROM funnels WHERE id = ?").get(f.id)).toEqual({ origins: '["https://eu.shop.example"]' });
  });

  test("the page holds the steps editor slot and the install status", async () => {
    const f = createTestFunnel(server);
    const text = await owner.load(`/funnels/${f.id}/settings`);
    expect(text).toContain(`<section id="steps-settings"`);
    expect(text).toContain(`hx-get="/funnels/${f.id}/steps/editor" hx-trigger="load"`);
    expect(text).toContain("Waiting for the first event");
    expect(text).toContain('aria-current="page">Settings</a>');
    expect((await owner.get("/funnels/fn_missing/settings")).status).toBe(404);
  });

  test("rotating keys: new keys shown once, the old ones refused", async () => {
    const f = createTestFunnel(server);
    const res = await owner.post(`/funnels/${f.id}/rotate-keys`, { _csrf: owner.csrf }, { "hx-request": "true" });
    expect(res.status).toBe(200);
    const text = await res.text();
    const pk = text.match(/id="key-public"[^>]*>(pk_[\w-]+)</)![1];
    const body = (key: string) => ({ funnelId: f.id, key, events: [{ id: eventId(), type: "page_view", url: "https://shop.example/" }] });
    expect((await sendEvents(server, body(f.publicKey), { origin: "https://shop.example" })).status).toBe(401);
    expect((await sendEvents(server, body(pk), { origin: "https://shop.example" })).status).toBe(202);
  });

  test("deleting needs the exact name and removes all the funnel's data", async () => {
    const f = createTestFunnel(server, { name: "Doomed" });
    const keep = createTestFunnel(server, { name: "Kept" });
    for (const x of [f, keep]) {
      const events = [
        { id: eventId(), type: "page_view", anonymousId: "v1", url: "https://shop.example/" },
        { id: eventId(), type: "identify", anonymousId: "v1", traits: { email: "a@example.com" } },
      ];
      await sendEvents(server, { funnelId: x.id, events }, { authorization: `Bearer ${x.secretKey}` });
      await waitForEvents(server, x.id, x.secretKey, (e) => e.length === 2);
    }
    const now = Date.now();
    const sqlite = server.ctx.store.sqlite;
    sqlite.run("INSERT INTO automations (id, funnel_id, name, trigger, action, secret, created_at, updated_at) VALUES ('au_1', ?, 'n', '{}', '{}', 's', ?, ?)", [f.id, now, now]);
    sqlite.run("INSERT INTO automation_firings (automation_id, occurrence, visitor, fired_at) VALUES ('au_1', 'o', 'v', ?)", [now]);
    sqlite.run("INSERT INTO deliveries (id, automation_id, funnel_id, body, created_at, updated_at) VALUES ('dl_1', 'au_1', ?, '{}', ?, ?)", [f.id, now, now]);
    sqlite.run("INSERT INTO delivery_attempts (delivery_id, attempt, at) VALUES ('dl_1', 1, ?)", [now]);
    sqlite.run("INSERT INTO rollup_revenue (funnel_id, dim, hour, value, currency, verified, minor) VALUES (?, 'all', 1, '', 'EUR', 1, 100)", [f.id]);
    sqlite.run("INSERT OR IGNORE INTO rollup_dirty_hours (funnel_id, hour) VALUES (?, 1)", [f.id]);
    server.ctx.store.queue.run("INSERT INTO ingest_batches (funnel_id, key_kind, received_at, payload) VALUES (?, 'public', ?, '[]')", [f.id, now]);

    let res = await owner.post(`/funnels/${f.id}/delete`, { _csrf: owner.csrf, confirm_name: "doomed" }, { "hx-request": "true" });
    expect(res.status).toBe(422);
    expect(count("funnels")).toBe(2);
    res = await owner.post(`/funnels/${f.id}/delete`, { _csrf: owner.csrf, confirm_name: "Doomed" }, { "hx-request": "true" });
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/funnels");
    expect((server.ctx.store.queue.query("SELECT count(*) AS n FROM ingest_batches WHERE funnel_id = ?").get(f.id) as { n: number }).n).toBe(0);
    const tables = ["contacts", "automations", "deliveries", "rollup_revenue", "rollup_dirty_hours", "rollup_hours"];
    for (const table of tables) {
      expect(count(table, `funnel_id = '${f.id}'`)).toBe(0);
    }
    // The event plane's own tables hold the funnel's key; the visitor links, a visitor key.
    const keyOf = (id: string) => `(SELECT key FROM funnel_keys WHERE funnel_id = '${id}')`;
    for (const table of ["events", "sessions", "visitors"]) expect(count(table, `funnel = ${keyOf(f.id)}`)).toBe(0);
    expect(count("contact_visitors")).toBe(count("contact_visitors", `visitor IN (SELECT key FROM visitors WHERE funnel = ${keyOf(keep.id)})`));
    expect(count("contact_visitors")).toBe(1);
    expect(count("automation_firings")).toBe(0);
    expect(count("delivery_attempts")).toBe(0);
    expect(count("funnels", `id = '${f.id}'`)).toBe(0);
    expect(count("events", `funnel = ${keyOf(keep.id)}`)).toBe(2);
    expect(count("contacts", `funnel_id = '${keep.id}'`)).toBe(1);
  });
});

describe("viewers read only", () => {
  test("a viewer sees pages but cannot register, change, rotate or delete", async () => {
    const f = createTestFunnel(server, { name: "Shop" });
    grantFunnels(server.ctx.store.db, (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id, [f.id], Date.now());
    const v = client(server);
    await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" });
    const settings = await v.load(`/funnels/${f.id}/settings`);
    expect(settings).toContain("only an owner can change them");
    expect(settings).not.toContain("Save changes");
    expect(settings).not.toContain("Rotate keys");
    expect(settings).not.toContain("Delete funnel");
    expect((await v.get("/funnels/new")).status).toBe(403);
    const attempts = [
      v.post("/funnels", { _csrf: v.csrf, name: "Mine", url: "https://mine.example" }),
      v.post(`/funnels/${f.id}/settings`, { _csrf: v.csrf, name: "Hacked", url: "https://shop.example" }),
      v.post(`/funnels/${f.id}/rotate-keys`, { _csrf: v.csrf }),
      v.post(`/funnels/${f.id}/delete`, { _csrf: v.csrf, confirm_name: "Shop" }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("not change it");
    }
    expect(server.ctx.store.sqlite.query("SELECT name FROM funnels").all()).toEqual([{ name: "Shop" }]);
    // The viewer's logout works (CSRF-checked, not owner-only).
    expect((await v.post("/logout", { _csrf: v.csrf })).status).toBe(303);
  });
});
