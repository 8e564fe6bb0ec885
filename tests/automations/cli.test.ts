// `aurea automation …` as a user types it, including against a running server.
import { expect, test, setDefaultTimeout } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/process";
import { tempDir } from "../helpers/server";
import { Receiver } from "./receiver";
import { createTestFunnel, startHookServer, track } from "./setup";

setDefaultTimeout(120_000);

test("create (secret printed once), list, pause, resume, delete, with --json", async () => {
  const data = tempDir();
  const env = { AUREA_DATA_DIR: data };
  const funnel = JSON.parse((await runCli(["funnel", "create", "--name", "Shop", "--url", "https://shop.example", "--json"], { env })).stdout);
  const file = join(data, "rule.json");
  writeFileSync(file, JSON.stringify({ name: "Purchases", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: "https://93.184.216.34/h" } }));

  const created = await runCli(["automation", "create", funnel.id, "--file", file, "--json"], { env });
  expect(created.code).toBe(0);
  const c = JSON.parse(created.stdout);
  expect(c.id).toMatch(/^au_/);
  expect(c.secret).toMatch(/^whsec_/);

  const list = await runCli(["automation", "list", funnel.id, "--json"], { env });
  const rules = JSON.parse(list.stdout);
  expect(rules).toHaveLength(1);
  expect(rules[0]).toMatchObject({ id: c.id, name: "Purchases", paused: false });
  expect(list.stdout).not.toContain(c.secret);

  const human = await runCli(["automation", "list", funnel.id], { env });
  expect(human.stdout).toContain("[event purchase] → https://93.184.216.34/h");

  expect(JSON.parse((await runCli(["automation", "pause", funnel.id, c.id, "--json"], { env })).stdout).paused).toBe(true);
  expect((await runCli(["automation", "resume", funnel.id, c.id], { env })).stdout).toContain("resumed");
  expect((await runCli(["automation", "delete", funnel.id, c.id], { env })).code).toBe(0);
  expect(JSON.parse((await runCli(["automation", "list", funnel.id, "--json"], { env })).stdout)).toEqual([]);
  rmSync(data, { recursive: true, force: true });
});

test("clear failures: bad JSON, unsafe URL, unknown ids", async () => {
  const data = tempDir();
  const env = { AUREA_DATA_DIR: data };
  const funnel = JSON.parse((await runCli(["funnel", "create", "--name", "Shop", "--url", "https://shop.example", "--json"], { env })).stdout);
  const file = join(data, "rule.json");
  writeFileSync(file, JSON.stringify({ name: "x", trigger: { type: "event", name: "a" }, action: { type: "webhook", url: "http://127.0.0.1:5678/webhook" } }));
  const unsafe = await runCli(["automation", "create", funnel.id, "--file", file], { env });
  expect(unsafe.code).toBe(2);
  expect(unsafe.stderr).toContain("action.url: host 127.0.0.1 is a loopback address");
  const allowed = await runCli(["automation", "create", funnel.id, "--file", file, "--json"], { env: { ...env, AUREA_ALLOW_PRIVATE_WEBHOOKS: "1" } });
  expect(allowed.code).toBe(0);

  writeFileSync(file, "{nope");
  const bad = await runCli(["automation", "create", funnel.id, "--file", file], { env });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("cannot read JSON");
  const missing = await runCli(["automation", "pause", funnel.id, "au_nope"], { env });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("no automation au_nope");
  const usage = await runCli(["automation", "pause", funnel.id], { env });
  expect(usage.stderr).toContain("expected FUNNEL_ID RULE_ID");
  rmSync(data, { recursive: true, force: true });
});

test("a rule created with the CLI while the server runs fires without a restart", async () => {
  const receiver = await Receiver.start();
  const data = tempDir();
  const server = await startHookServer({ dataDir: data });
  try {
    const funnel = createTestFunnel(server);
    await track(server, funnel, [{ type: "track", name: "warmup", anonymousId: "w" }]); // fills the rule cache (no rules)
    await Bun.sleep(100);
    const file = join(data, "rule.json");
    writeFileSync(file, JSON.stringify({ name: "x", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: `${receiver.url}/cli` } }));
    const created = await runCli(["automation", "create", funnel.id, "--file", file, "--json"], { env: { AUREA_DATA_DIR: data, AUREA_ALLOW_PRIVATE_WEBHOOKS: "1" } });
    expect(created.code).toBe(0);
    await track(server, funnel, [{ type: "track", name: "purchase", anonymousId: "w" }]);
    const [req] = await receiver.waitFor(1, 5000);
    expect(JSON.parse(req.body).data.rule.id).toBe(JSON.parse(created.stdout).id);
  } finally {
    await server.stop();
    receiver.stop();
    rmSync(data, { recursive: true, force: true });
  }
});
