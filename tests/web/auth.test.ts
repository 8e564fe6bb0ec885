// Dashboard access through a real server: first run, login, sessions, CSRF, rate limits, headers.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { createUser } from "../../src/web/auth/users";
import { startTestServer, type TestServer } from "../helpers/server";
import { client, OWNER, signedInOwner } from "./client";

setDefaultTimeout(120_000);

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

describe("first run", () => {
  test("every page leads to /setup while there is no user", async () => {
    const c = client(server);
    for (const path of ["/", "/funnels", "/login", "/funnels/fn_x/settings"]) {
      const res = await c.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/setup");
    }
    const setup = await c.get("/setup");
    expect(setup.status).toBe(200);
    expect(await setup.text()).toContain("Create owner account");
  });

  test("setup checks the password, then creates the owner and signs in", async () => {
    const c = client(server);
    let res = await c.post("/setup", { email: OWNER.email, password: "short", confirm: "short" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("at least 10 characters");
    res = await c.post("/setup", { email: OWNER.email, password: OWNER.password, confirm: OWNER.password + "x" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("not the same");
    res = await c.post("/setup", { email: "not-an-email", password: OWNER.password, confirm: OWNER.password });
    expect(res.status).toBe(422);

    res = await c.post("/setup", { email: OWNER.email, password: OWNER.password, confirm: OWNER.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/funnels");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^aurea_session=[\w-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain(`Max-Age=${30 * 24 * 3600}`);
    expect(cookie).not.toContain("Secure");
    // The token is stored hashed, never as sent.
    const token = cookie.match(/aurea_session=([^;]+)/)![1];
    const rows = server.ctx.store.sqlite.query<{ token_hash: string }, []>("SELECT token_hash FROM user_sessions").all();
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toBe(token);

    const page = await c.load("/funnels");
    expect(page).toContain(OWNER.email);
    // Setup is closed once a user exists.
    const again = client(server);
    res = await again.post("/setup", { email: "mallory@example.com", password: OWNER.password, confirm: OWNER.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    expect(server.ctx.store.sqlite.query("SELECT count(*) AS n FROM users").get()).toEqual({ n: 1 });
  });

  test("the cookie is Secure behind a trusted https proxy", async () => {
    await server.stop();
    server = await startTestServer({ trustProxy: true });
    const c = client(server);
    const res = await c.post("/setup", { email: OWNER.email, password: OWNER.password, confirm: OWNER.password }, { "x-forwarded-proto": "https" });
    expect(res.headers.get("set-cookie")).toContain("; Secure");
  });
});

describe("signed in or not", () => {
  test("pages need a session: redirect to /login with next, htmx gets HX-Redirect", async () => {
    await signedInOwner(server);
    const anon = client(server);
    let res = await anon.get("/funnels?x=1");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Ffunnels%3Fx%3D1");
    res = await anon.get("/funnels/menu", { "hx-request": "true" });
    expect(res.status).toBe(401);
    expect(res.headers.get("hx-redirect")).toBe("/login");
    res = await anon.post("/funnels", { name: "x", url: "https://x.example" });
    expect(res.status).toBe(303);
    expect(server.ctx.store.sqlite.query("SELECT count(*) AS n FROM funnels").get()).toEqual({ n: 0 });
    res = await anon.get("/funnels", { cookie: "aurea_session=forged-token" });
    expect(res.status).toBe(303);
  });

  test("login: wrong password 401, right one signs in and follows a local next only", async () => {
    await signedInOwner(server);
    const c = client(server);
    let res = await c.post("/login", { email: OWNER.email, password: "wrong password!" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Wrong email or password");
    res = await c.post("/login", { email: "nobody@example.com", password: OWNER.password });
    expect(res.status).toBe(401);
    res = await c.post("/login", { email: OWNER.email.toUpperCase(), password: OWNER.password, next: "//evil.example/x" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/funnels");
    const c2 = client(server);
    res = await c2.post("/login", { email: OWNER.email, password: OWNER.password, next: "/funnels?from=login" });
    expect(res.headers.get("location")).toBe("/funnels?from=login");
    // Signed in: /login and /setup send you on.
    expect((await c2.get("/login")).headers.get("location")).toBe("/funnels");
    expect((await c2.get("/setup")).headers.get("location")).toBe("/funnels");
  });

  test("a cross-site login post is refused", async () => {
    await signedInOwner(server);
    const res = await client(server).post("/login", { email: OWNER.email, password: OWNER.password }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  test("expired sessions are refused", async () => {
    const c = await signedInOwner(server);
    server.ctx.store.sqlite.run("UPDATE user_sessions SET expires_at = 1");
    expect((await c.get("/funnels")).status).toBe(303);
  });

  test("logout needs the CSRF token, then ends the session", async () => {
    const c = await signedInOwner(server);
    const cookie = c.cookie!;
    let res = await c.post("/logout", {});
    expect(res.status).toBe(403);
    res = await c.post("/logout", { _csrf: c.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?out");
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    const replay = await fetch(`${server.url}/funnels`, { redirect: "manual", headers: { cookie } });
    expect(replay.status).toBe(303);
    expect(await (await client(server).get("/login?out")).text()).toContain("You are signed out");
  });
});

describe("CSRF", () => {
  test("state changes without the right token are refused with 403", async () => {
    const c = await signedInOwner(server);
    const form = { name: "Shop", url: "https://shop.example" };
    expect((await c.post("/funnels", form)).status).toBe(403);
    expect((await c.post("/funnels", { ...form, _csrf: "wrong" })).status).toBe(403);
    expect((await c.post("/funnels", form, { "x-csrf-token": [...c.csrf].reverse().join("") })).status).toBe(403);
    expect(server.ctx.store.sqlite.query("SELECT count(*) AS n FROM funnels").get()).toEqual({ n: 0 });
    expect((await c.post("/funnels", { ...form, _csrf: c.csrf })).status).toBe(201);
    expect((await c.post("/funnels", form, { "x-csrf-token": c.csrf, "hx-request": "true" })).status).toBe(201);
  });

  test("each session has its own token", async () => {
    const a = await signedInOwner(server);
    const b = client(server);
    await b.post("/login", { email: OWNER.email, password: OWNER.password });
    await b.load("/funnels");
    expect(b.csrf).not.toBe(a.csrf);
    expect((await b.post("/funnels", { name: "x", url: "https://x.example", _csrf: a.csrf })).status).toBe(403);
  });
});

// Login throttling: tests/web/login-throttle.test.ts.

describe("headers and assets", () => {
  test("HTML responses carry the security headers and no-store", async () => {
    const c = await signedInOwner(server);
    for (const res of [await c.get("/funnels"), await client(server).get("/login"), await c.post("/funnels", {})]) {
      expect(res.headers.get("content-security-policy")).toBe(CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("pages have no inline scripts or styles (the CSP would block them)", async () => {
    const c = await signedInOwner(server);
    await c.post("/funnels", { name: "Shop", url: "https://shop.example", _csrf: c.csrf });
    const id = server.ctx.store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels").get()!.id;
    for (const path of ["/funnels", "/funnels/new", `/funnels/${id}/settings`]) {
      const text = await c.load(path);
      expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(text).not.toMatch(/\sstyle=/);
      expect(text).not.toMatch(/\son[a-z]+=/);
      expect(text).toContain('<meta name="viewport"');
    }
  });

  test("assets are served with ETag, compression and 304", async () => {
    for (const [name, type] of [["htmx.min.js", "javascript"], ["app.js", "javascript"], ["app.css", "text/css"]]) {
      const res = await fetch(`${server.url}/assets/${name}`, { headers: { "accept-encoding": "gzip" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
      expect((await res.text()).length).toBeGreaterThan(100);
      const again = await fetch(`${server.url}/assets/${name}`, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${server.url}/assets/nope.js`)).status).toBe(404);
    const htmx = await (await fetch(`${server.url}/assets/htmx.min.js`)).text();
    expect(htmx).toContain("2.0.11");
  });
});

test("a user added by the owner can sign in", async () => {
  await signedInOwner(server);
  await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" });
  const v = client(server);
  expect((await v.post("/login", { email: "viewer@example.com", password: "viewer password 1" })).status).toBe(303);
  const text = await v.load("/funnels");
  expect(text).toContain("viewer@example.com");
  expect(text).not.toContain("Register funnel");
});
