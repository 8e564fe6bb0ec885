// `bun run test`: every check CI runs, in order. Fails on the first failure.
//  1. licences: ua-parser-js must stay on 1.x (2.x is AGPL)
//  2. embedded migrations match drizzle/
//  3. build the SDK (size budget) and the executable
//  4. typecheck
//  5. bun test (unit, integration through real servers, executable, browser)
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
const result = await $`bun test --timeout 30000 ${process.argv.slice(2)}`.nothrow();
process.exit(result.exitCode);
