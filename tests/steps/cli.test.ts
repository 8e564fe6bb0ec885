// aurea funnel steps ID [--file steps.json | --file -]
import { expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/process";
import { tempDir } from "../helpers/server";

setDefaultTimeout(120_000);

const STEPS = {
  window: "12h",
  order: "strict",
  steps: [
    { name: "Landing", page: "/" },
    { name: "Purchase", event: "purchase", where: { plan: "pro" } },
  ],
};

test("define, print and refuse steps from the CLI", async () => {
  const data = tempDir();
  const { id } = JSON.parse((await runCli(["funnel", "create", "--name", "S", "--url", "https://s.example", "--data", data, "--json"])).stdout);

  const none = await runCli(["funnel", "steps", id, "--data", data]);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain(`aurea funnel steps ${id} --file steps.json`);

  const bad = join(data, "bad.json");
  writeFileSync(bad, JSON.stringify({ steps: [{ name: "A", page: "/" }, { name: "B", page: "/" }, { name: "Checkout", page: "/a[" }] }));
  const refused = await runCli(["funnel", "steps", id, "--file", bad, "--data", data]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("nothing was saved");
  expect(refused.stderr).toContain('steps[2].page: pattern "/a[" does not parse');
  expect((await runCli(["funnel", "steps", id, "--data", data])).code).toBe(1);

  const file = join(data, "steps.json");
  writeFileSync(file, JSON.stringify(STEPS));
  const saved = await runCli(["funnel", "steps", id, "--file", file, "--data", data]);
  expect(saved.code).toBe(0);
  expect(saved.stderr).toContain("Saved 2 steps");

  const printed = await runCli(["funnel", "steps", id, "--data", data]);
  expect(JSON.parse(printed.stdout)).toEqual(STEPS);

  const piped = await runCli(["funnel", "steps", id, "--file", "-", "--json", "--data", data], { stdin: JSON.stringify({ ...STEPS, window: "2d" }) });
  expect(piped.code).toBe(0);
  expect(JSON.parse(piped.stdout).window).toBe("2d");

  const missing = await runCli(["funnel", "steps", "fn_nope", "--file", file, "--data", data]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("no funnel with id fn_nope");
  const unreadable = await runCli(["funnel", "steps", id, "--file", join(data, "nope.json"), "--data", data]);
  expect(unreadable.code).toBe(2);
  expect(unreadable.stderr).toContain("cannot read");
});
