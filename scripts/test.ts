// `bun run test`: every check CI runs, in order. Fails on the first failure.
//  1. licences: ua-parser-js must stay on 1.x (2.x is AGPL)
//  2. embedded migrations match drizzle/
//  3. build the SDK (size budget) and the executable
//  4. typecheck
//  5. bun test (unit, integration through real servers, executable, browser)
//  6. the ClickHouse parity pass: the analytics, funnel, retention and automation-lookup
//     files again with every test server's events in ClickHouse (chDB behind the test
//     adapter, AUREA_TEST_EVENTS=clickhouse), same expectations (docs/clickhouse.md)
import { $ } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
process.chdir(root);

const ua = (await Bun.file("node_modules/ua-parser-js/package.json").json()) as { version: string; license: string };
if (!ua.version.startsWith("1.") || ua.license !== "MIT") {
  console.error(`ua-parser-js ${ua.version} (${ua.license}) is not the MIT 1.x line: pin 1.0.41`);
  process.exit(1);
}
await $`bun scripts/build.ts`;
await $`bunx tsc --noEmit -p .`;
const args = process.argv.slice(2);
const result = await $`bun test --timeout 120000 ${args}`.nothrow();
if (result.exitCode !== 0 || args.length) process.exit(result.exitCode);

/** Chosen for what they cover per second: chDB answers each query in milliseconds, not microseconds. */
const CLICKHOUSE_PARITY = [
  "tests/analytics/routes.test.ts",
  "tests/analytics/escaping.test.ts",
  "tests/analytics/event-kinds.test.ts",
  "tests/steps/api.test.ts",
  "tests/steps/steps-check.test.ts",
  "tests/jobs/retention.test.ts",
  "tests/automations/abandonment.test.ts",
  "tests/automations/delivery.test.ts",
];
const started = Date.now();
const parity = await $`bun test --timeout 120000 ${CLICKHOUSE_PARITY}`.env({ ...process.env, AUREA_TEST_EVENTS: "clickhouse" }).nothrow();
console.log(`ClickHouse parity pass: ${CLICKHOUSE_PARITY.length} files in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(parity.exitCode);
