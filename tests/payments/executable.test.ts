// The compiled ./aurea verifies provider webhooks on its own (standardwebhooks for Whop is
// bundled inside it): connect with the executable's CLI, then `payments test` signs a
// delivery that the executable's server verifies.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, spawnServe, type Spawned } from "../helpers/process";
import { tempDir } from "../helpers/server";

setDefaultTimeout(120_000);

let bin: string;
let data: string;
let server: Spawned;

beforeAll(async () => {
  const built = join(ROOT, "aurea");
  if (!existsSync(built)) {
    const b = Bun.spawnSync(["bun", join(ROOT, "scripts/build.ts")], { stdout: "inherit", stderr: "inherit" });
    if (b.exitCode !== 0) throw new Error("build failed");
  }
  const dir = tempDir("aurea-exe-pay-");
  bin = join(dir, "aurea");
  copyFileSync(built, bin);
  Bun.spawnSync(["chmod", "+x", bin]);
  data = join(dir, "aurea-data");
  server = await spawnServe(data, [], bin);
}, 120_000);
afterAll(() => server?.proc.kill());

test("Whop (Standard Webhooks) and Stripe deliveries verify inside the executable", async () => {
  const env = { AUREA_DATA_DIR: data, AUREA_PUBLIC_URL: server.url };
  const funnel = JSON.parse((await runCli(["funnel", "create", "--name", "Exe", "--url", "https://shop.example", "--json"], { bin, env })).stdout);
  expect((await runCli(["payments", "add", "whop", "--funnel", funnel.id, "--secret", "ws_exe_0123456789abcdef"], { bin, env })).code).toBe(0);
  const whop = await runCli(["payments", "test", "whop", "--funnel", funnel.id], { bin, env });
  expect(whop.stderr).toBe("");
  expect(whop.stdout).toContain("OK:");
  expect((await runCli(["payments", "add", "stripe", "--funnel", funnel.id, "--secret", "whsec_ZXhlY3V0YWJsZQ=="], { bin, env })).code).toBe(0);
  expect((await runCli(["payments", "test", "stripe", "--funnel", funnel.id], { bin, env })).code).toBe(0);
  const list = JSON.parse((await runCli(["payments", "list", "--funnel", funnel.id, "--json"], { bin, env })).stdout);
  expect(list.map((c: { lastDelivery: { outcome: string } }) => c.lastDelivery.outcome)).toEqual(["ignored", "ignored"]);
});
