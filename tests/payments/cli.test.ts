// `aurea payments …` as a founder types it, including `test` against a running server.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { runCli } from "../helpers/process";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";
import { getConnection } from "../../src/payments/connections";
import { recentDeliveries } from "../../src/payments/deliveries";
import { sha256Hex } from "../../src/payments/providers/adapter";

setDefaultTimeout(120_000);

let server: TestServer;
let funnel: TestFunnel;
let env: Record<string, string>;
const SECRET = "whsec_c2VjcmV0IGZvciB0aGUgY2xpIHRlc3Q=";

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  env = { AUREA_DATA_DIR: server.dataDir, AUREA_PUBLIC_URL: server.url };
});
afterAll(() => server.stop());

test("add prints the webhook URL (--json: provider, funnelId, url); list masks the secret", async () => {
  const added = await runCli(["payments", "add", "stripe", "--funnel", funnel.id, "--secret", SECRET, "--json"], { env });
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toEqual({ provider: "stripe", funnelId: funnel.id, url: `${server.url}/api/payments/stripe/${funnel.id}` });

  const human = await runCli(["payments", "add", "stripe", "--funnel", funnel.id, "--secret", SECRET], { env });
  expect(human.stdout).toContain(`Webhook URL to paste into Stripe: ${server.url}/api/payments/stripe/${funnel.id}`);
  expect(human.stdout).toContain("checkout.session.completed");
  expect(human.stdout).not.toContain(SECRET);

  const list = await runCli(["payments", "list", "--funnel", funnel.id, "--json"], { env });
  const views = JSON.parse(list.stdout);
  expect(views).toHaveLength(1);
  expect(views[0]).toMatchObject({ provider: "stripe", funnelId: funnel.id, secret: "whsec_c2Vj…", url: `${server.url}/api/payments/stripe/${funnel.id}` });
  expect(list.stdout).not.toContain(SECRET);
  expect((await runCli(["payments", "list", "--funnel", funnel.id], { env })).stdout).not.toContain(SECRET);
});

test("test sends a signed event through the running server's real route", async () => {
  const res = await runCli(["payments", "test", "stripe", "--funnel", funnel.id], { env });
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  expect(res.stdout).toContain("OK:");
  const c = getConnection(server.ctx.store.db, funnel.id, "stripe")!;
  expect(recentDeliveries(server.ctx.store.sqlite, c.id, 1)[0]).toMatchObject({ outcome: "ignored", eventType: "aurea.test" });
});

test("test fails loudly when the stored secret is not what the server checks with", async () => {
  await runCli(["payments", "add", "whop", "--funnel", funnel.id, "--secret", "ws_abcdef0123456789"], { env });
  expect((await runCli(["payments", "test", "whop", "--funnel", funnel.id], { env })).code).toBe(0);
  expect((await runCli(["payments", "test", "whop", "--funnel", funnel.id], { env: { ...env, AUREA_PUBLIC_URL: `${server.url}/nowhere` } })).code).toBe(1);
});

test("Gumroad: a token is generated, shown once, stored hashed; adding again makes a new URL", async () => {
  const first = JSON.parse((await runCli(["payments", "add", "gumroad", "--funnel", funnel.id, "--json"], { env })).stdout);
  expect(first.url).toMatch(new RegExp(`/api/payments/gumroad/${funnel.id}/[A-Za-z0-9_-]{32}$`));
  const token = first.url.split("/").pop();
  const c = getConnection(server.ctx.store.db, funnel.id, "gumroad")!;
  expect(c.tokenHash).toBe(sha256Hex(token));
  expect(JSON.stringify(c)).not.toContain(token);
  const list = (await runCli(["payments", "list", "--funnel", funnel.id], { env })).stdout;
  expect(list).not.toContain(token);
  const second = JSON.parse((await runCli(["payments", "add", "gumroad", "--funnel", funnel.id, "--json"], { env })).stdout);
  expect(second.url).not.toBe(first.url);
  const ping = await fetch(first.url, { method: "POST", body: "sale_id=s1&price=100&currency=usd" });
  expect(ping.status).toBe(400);
  expect((await runCli(["payments", "test", "gumroad", "--funnel", funnel.id], { env })).stdout).toContain("Send test ping");
});

test("Lemon Squeezy without --secret: Aurea makes one and shows it once", async () => {
  const r = JSON.parse((await runCli(["payments", "add", "lemonsqueezy", "--funnel", funnel.id, "--json"], { env })).stdout);
  expect(r.secret).toMatch(/^aurea_[A-Za-z0-9_-]{24}$/);
  expect((await runCli(["payments", "list", "--funnel", funnel.id, "--json"], { env })).stdout).not.toContain(r.secret);
});

test("clear failures: unknown provider, missing secret, a non-Stripe secret, unknown funnel, remove", async () => {
  const unknown = await runCli(["payments", "add", "paypal", "--funnel", funnel.id], { env });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown provider "paypal"');
  expect((await runCli(["payments", "add", "paddle", "--funnel", funnel.id], { env })).stderr).toContain("needs the webhook's signing secret");
  expect((await runCli(["payments", "add", "stripe", "--funnel", funnel.id, "--secret", "sk_live_oops"], { env })).stderr).toContain("starts with whsec_");
  expect((await runCli(["payments", "list", "--funnel", "fn_nope"], { env })).stderr).toContain("there is no funnel fn_nope");
  expect((await runCli(["payments", "remove", "stripe", "--funnel", funnel.id], { env })).code).toBe(0);
  expect((await runCli(["payments", "remove", "stripe", "--funnel", funnel.id], { env })).stderr).toContain("Stripe is not connected");
  const res = await fetch(`${server.url}/api/payments/stripe/${funnel.id}`, { method: "POST", body: "{}" });
  expect(res.status).toBe(404);
});
