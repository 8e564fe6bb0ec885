// Demo data for the dashboard, straight into a data dir: the same as
// `aurea seed-demo`, runnable without building the executable.
//
//   bun scripts/seed-demo.ts --create [--events 1000000] [--days 90] [--data ./aurea-data]
//   bun scripts/seed-demo.ts --funnel fn_… [--events N]
import { seedDemoCommand } from "../src/cli/seed-demo";
import { ConfigError } from "../src/config";

try {
  process.exit((await seedDemoCommand.run(process.argv.slice(2))) ?? 0);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`seed-demo: ${e.message}`);
  process.exit(2);
}
