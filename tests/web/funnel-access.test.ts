// Per-funnel access through a real server: a viewer granted funnel A gets 403 on every
// surface of funnel B (pages, htmx panels, CSV export, the live stream, settings
// panels, alerts) and sees only A in the lists; owners see both; the users page grants
// and revokes; the JSON API stays per funnel by its secret key; viewers made before
// the migration keep every funnel that existed.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { migrations } from "../../src/db/migrations.gen";
import { applyMigrations } from "../../src/db/migrate";
import { openStore } from "../../src/db/open";
import { subscribe, subscriptions } from "../../src/reports/subscriptions";
import { grantFunnels, grantsByUser } from "../../src/web/auth/funnel-access";
import { createUser } from "../../src/web/auth/users";
import { createTestFunnel, startTestServer, tempDir, type TestFunnel, type TestServer } from "../helpers/server";
import { client, signedInOwner, type Browserish } from "./client";

let server: TestServer;
let owner: Browserish;
let viewer: Browserish;
let a: TestFunnel;
let b: TestFunnel;
let viewerId: number;
const HTMX = { "hx-request": "true" };

beforeAll(async () => {
  server = await startTestServer();
  owner = await signedInOwner(server);
  a = createTestFunnel(server, { name: "Alpha shop" });
  b = createTestFunnel(server, { name: "Bravo <b>shop</b>" });
  viewerId = (await createUser(server.ctx.store.db, { email: "viewer@example.com", password: "viewer password 1", role: "viewer" })).id;
  grantFunnels(server.ctx.store.db, viewerId, [a.id], Date.now());
  viewer = client(server);
  expect((await viewer.post("/login", { email: "viewer@example.com", password: "viewer password 1" })).status).toBe(303);
  await viewer.load("/funnels");
});
afterAll(() => server.stop());

// Every surface of a funnel the dashboard reads: [path, extra headers].
const surfaces = (id: string): [string, Record<string, string>][] => [
  [`/funnels/${id}`, {}],
  [`/funnels/${id}/panels/chart`, HTMX],
  [`/funnels/${id}/panels/sources`, HTMX],
  [`/funnels/${id}/panels/revenue`, HTMX],
  [`/funnels/${id}/live`, HTMX],
  [`/funnels/${id}/sessions`, {}],
  [`/funnels/${id}/contacts`, {}],
  [`/funnels/${id}/export/events.csv`, {}],
  [`/funnels/${id}/steps`, {}],
  [`/funnels/${id}/experiments`, {}],
  [`/funnels/${id}/automations`, {}],
  [`/funnels/${id}/alerts`, {}],
  [`/funnels/${id}/settings`, {}],
  [`/funnels/${id}/settings/reports`, HTMX],
  [`/funnels/${id}/settings/payments`, HTMX],
  [`/funnels/${id}/install-check`, HTMX],
];

async function status(c: Browserish, path: string, headers: Record<string, string>): Promise<number> {
  const res = await c.get(path, headers);
  await res.body?.cancel();
  // 204: the live timeline's "nothing new" answer.
  return res.status === 204 ? 200 : res.status;
}

describe("a viewer of funnel A", () => {
  test.each(surfaces("B").map(([p, h]) => [p, h] as const))("gets 403 on funnel B: %s", async (path, headers) => {
    const res = await viewer.get(path.replace("/B", `/${b.id}`), headers);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain("You do not have access to this funnel");
    expect(text).not.toContain("Bravo");
  });

  test("reads every surface of funnel A", async () => {
    for (const [path, headers] of surfaces(a.id)) expect([path, await status(viewer, path, headers)]).toEqual([path, 200]);
  });

  test("the live stream of B is 403, of A an event stream", async () => {
    const denied = await viewer.get(`/funnels/${b.id}/live/stream`, { accept: "text/event-stream" });
    expect(denied.status).toBe(403);
    await denied.body?.cancel();
    const ok = await viewer.get(`/funnels/${a.id}/live/stream`, { accept: "text/event-stream" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/event-stream");
    await ok.body?.cancel();
  });

  test("writes to B are refused before anything else (403, CSRF token valid)", async () => {
    const res = await viewer.post(`/funnels/${b.id}/settings/reports`, { _csrf: viewer.csrf, weekly: "viewer@example.com" }, HTMX);
    expect(res.status).toBe(403);
    expect(subscriptions(server.ctx.store.sqlite, b.id)).toEqual([]);
  });

  test("lists show only A: the funnels page and the switcher", async () => {
    const list = await viewer.load("/funnels");
    expect(list).toContain("Alpha shop");
    expect(list).not.toContain("Bravo");
    const menu = await (await viewer.get("/funnels/menu")).text();
    expect(menu).toContain(a.id);
    expect(menu).not.toContain(b.id);
  });

  test("the users page is for owners", async () => {
    expect(await status(viewer, "/settings/users", {})).toBe(403);
    expect((await viewer.post(`/settings/users/${viewerId}/funnels`, { _csrf: viewer.csrf, funnel: [a.id, b.id] })).status).toBe(403);
  });
});

test("every registered /funnels/:id/… route refuses a viewer of another funnel (new routes included)", async () => {
  const routes = server.running.routes.filter((r) => r.path.startsWith("/funnels/:id") && ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method));
  expect(routes.length).toBeGreaterThan(40);
  for (const r of routes) {
    const path = r.path.replace(":id", b.id).replace(/:[A-Za-z]+/g, "x");
    const res = await fetch(server.url + path, {
      method: r.method,
      redirect: "manual",
      headers: { cookie: viewer.cookie!, "x-csrf-token": viewer.csrf, "content-type": "application/x-www-form-urlencoded" },
      body: r.method === "GET" ? undefined : "",
    });
    await res.body?.cancel();
    expect(`${r.method} ${r.path} → ${res.status}`).toBe(`${r.method} ${r.path} → 403`);
  }
});

test("owners see every funnel", async () => {
  for (const [path, headers] of [...surfaces(a.id), ...surfaces(b.id)]) expect([path, await status(owner, path, headers)]).toEqual([path, 200]);
  const list = await owner.load("/funnels");
  expect(list).toContain("Alpha shop");
  expect(list).toContain("Bravo &lt;b&gt;shop&lt;/b&gt;");
});

test("the JSON API is per funnel by its secret key: A's key cannot read B", async () => {
  const res = await fetch(`${server.url}/api/v1/funnels/${b.id}/stats`, { headers: { authorization: `Bearer ${a.secretKey}` } });
  expect([401, 403]).toContain(res.status);
});

test("an owner grants and revokes on the users page; revoking also stops B's digests", async () => {
  const page = await owner.load("/settings/users");
  expect(page).toContain("viewer@example.com");
  expect(page).toContain("Bravo &lt;b&gt;shop&lt;/b&gt;");
  expect(page).not.toContain("Bravo <b>");
  const granted = await owner.post(`/settings/users/${viewerId}/funnels`, { _csrf: owner.csrf, funnel: [a.id, b.id] });
  expect(granted.status).toBe(200);
  expect(await granted.text()).toContain("Access of viewer@example.com saved: 2 funnels.");
  expect(await status(viewer, `/funnels/${b.id}`, {})).toBe(200);
  // B's digest recipients to tick now include the viewer.
  expect(await (await owner.get(`/funnels/${b.id}/settings/reports`, HTMX)).text()).toContain('value="viewer@example.com"');
  subscribe(server.ctx.store.sqlite, b.id, "viewer@example.com", "weekly", Date.now());

  const revoked = await owner.post(`/settings/users/${viewerId}/funnels`, { _csrf: owner.csrf, funnel: a.id });
  expect(revoked.status).toBe(200);
  expect(await status(viewer, `/funnels/${b.id}`, {})).toBe(403);
  expect(subscriptions(server.ctx.store.sqlite, b.id)).toEqual([]);
  expect(await (await owner.get(`/funnels/${b.id}/settings/reports`, HTMX)).text()).not.toContain("viewer@example.com");

  expect((await owner.post(`/settings/users/${viewerId}/funnels`, { _csrf: "wrong", funnel: b.id })).status).toBe(403);
  expect((await owner.post(`/settings/users/${viewerId}/funnels`, { _csrf: owner.csrf, funnel: "fn_nope" })).status).toBe(422);
  expect(grantsByUser(server.ctx.store.db).get(viewerId)).toEqual([a.id]);
});

test("an owner adds a viewer with their funnels; hostile input is escaped", async () => {
  const bad = await owner.post("/settings/users", { _csrf: owner.csrf, email: "<script>x</script>@x", password: "short", funnel: b.id });
  expect(bad.status).toBe(422);
  const text = await bad.text();
  expect(text).toContain("password: must be at least 10 characters");
  expect(text).toContain('value="&lt;script&gt;x&lt;/script&gt;@x"');
  expect(text).not.toContain("<script>x");
  const made = await owner.post("/settings/users", { _csrf: owner.csrf, email: "cleo@example.com", password: "long enough password", funnel: b.id });
  expect(made.status).toBe(200);
  const cleo = client(server);
  expect((await cleo.post("/login", { email: "cleo@example.com", password: "long enough password" })).status).toBe(303);
  expect(await status(cleo, `/funnels/${b.id}`, {})).toBe(200);
  expect(await status(cleo, `/funnels/${a.id}`, {})).toBe(403);
});

test("the migration grants viewers made before it every funnel that existed", () => {
  const dir = tempDir();
  const path = join(dir, "aurea.db");
  const old = new Database(path, { create: true, strict: true });
  const upTo = migrations.findIndex((m) => m.tag.includes("funnel_members"));
  expect(upTo).toBeGreaterThan(0);
  applyMigrations(old, migrations.slice(0, upTo));
  const user = old.query("INSERT INTO users (email, password_hash, role, created_at) VALUES (?, 'x', ?, 0)");
  user.run("old-owner@example.com", "owner");
  user.run("old-viewer@example.com", "viewer");
  const funnel = old.query("INSERT INTO funnels (id, name, url, origins, public_key_hash, public_key_prefix, secret_key_hash, secret_key_prefix, created_at) VALUES (?, ?, 'https://x.example', '[]', ?, 'pk', ?, 'sk', 0)");
  for (const id of ["fn_one", "fn_two"]) funnel.run(id, id, `p${id}`, `s${id}`);
  old.close();
  const store = openStore(dir);
  try {
    const grants = grantsByUser(store.db);
    expect([...grants.entries()]).toEqual([[2, ["fn_one", "fn_two"]]]);
  } finally {
    store.close();
  }
});
