// Builds the single executable ./aurea: the SDK first (it is embedded), then
// `bun build --compile` of src/main.ts with migrations, assets and GeoIP data inside.
import { $ } from "bun";
import { statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = process.argv[2] ?? join(root, "aurea");

await $`bun ${join(root, "scripts/build-sdk.ts")}`;
await $`bun ${join(root, "scripts/embed-migrations.ts")} --check`;
// The threads' entries are more entrypoints, so the executable contains them (src/thread-url.ts).
const threads = ["src/pipeline/thread-entry.ts", "src/db/checkpoint-entry.ts", "src/backup/backup-entry.ts", "src/analytics/reads/thread-entry.ts"].map((p) => join(root, p));
// --bytecode: each thread loads compiled bytecode from the executable (mapped from the
// file) instead of parsing and compiling its bundle into its own heap: a launch-day
// burst's peak went from 424 to 305 MiB with it alone (docs/performance.md, "The burst's
// memory"). Top-level await in the entry needs --format=esm for that.
// --splitting: the modules the entries share (the store, the schemas, drizzle) are one
// chunk each instead of a copy inside every entry's bundle, so the threads run the same
// mapped pages: the executable is 6 MB smaller, the server's file pages 2 MiB fewer at
// idle and in a burst (docs/performance.md, "The burst's memory (stop 25)").
await $`bun build --compile --bytecode --format=esm --minify --splitting --sourcemap=none ${join(root, "src/main.ts")} ${threads} --outfile ${outfile}`.quiet();
const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
console.log(`built ${outfile} (${mb} MB)`);
