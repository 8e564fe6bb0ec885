// `aurea experiment …` as a founder types it, against the data directory of a server.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { runCli } from "../helpers/process";
import { createTestFunnel, startTestServer, type TestFunnel, type TestServer } from "../helpers/server";

setDefaultTimeout(120_000);

let server: TestServer;
let funnel: TestFunnel;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  funnel = createTestFunnel(server);
  env = { AUREA_DATA_DIR: server.dataDir };
});
afterAll(() => server.stop());

test("create, list, results, stop with a winner", async () => {
  const created = await runCli(["experiment", "create", "--funnel", funnel.id, "--key", "headline", "--variants", "a:50,b:50", "--metric", "conversion:signup", "--split-url", "b=https://shop.example/b", "--json"], { env });
  expect(created.code).toBe(0);
  expect(JSON.parse(created.stdout)).toMatchObject({ key: "headline", status: "running", splitUrls: { b: "https://shop.example/b" }, metric: "conversion:signup" });

  const list = await runCli(["experiment", "list", "--funnel", funnel.id], { env });
  expect(list.stdout).toContain("headline  a:50,b:50  metric conversion:signup  (running");
  expect(JSON.parse((await runCli(["experiment", "list", "--funnel", funnel.id, "--key", "headline", "--json"], { env })).stdout)).toHaveLength(1);

  const results = await runCli(["experiment", "results", "--funnel", funnel.id, "--key", "headline", "--json"], { env });
  expect(JSON.parse(results.stdout)).toMatchObject({ key: "headline", status: "running", srm: { pValue: 1, alert: false }, variants: [{ name: "a", visitors: 0 }, { name: "b", visitors: 0 }] });

  const stopped = await runCli(["experiment", "stop", "--funnel", funnel.id, "--key", "headline", "--winner", "b"], { env });
  expect(stopped.code).toBe(0);
  expect(stopped.stdout).toContain("everyone sees b from now on");
});

test("mistakes are named and exit non-zero", async () => {
  const bad = await runCli(["experiment", "create", "--funnel", funnel.id, "--key", "k", "--variants", "a:50,b:40", "--metric", "revenue"], { env });
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain("weights must sum to 100, they sum to 90");
  const missing = await runCli(["experiment", "create", "--funnel", funnel.id, "--key", "k", "--variants", "a:50,b:50"], { env });
  expect(missing.stderr).toContain("--metric step:N|conversion:NAME|revenue is required");
  const unknown = await runCli(["experiment", "stop", "--funnel", funnel.id, "--key", "nope"], { env });
  expect(unknown.stderr).toContain('has no experiment "nope"');
});
