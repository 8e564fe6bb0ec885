#!/usr/bin/env bun
// Entry point of the `aurea` executable: parse the subcommand, hand over to src/cli.
import { ConfigError } from "./config";
import { runCommand } from "./cli/commands";

const code = await runCommand(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError) {
    console.error(`aurea: ${e.message}`);
    return 2;
  }
  console.error(`aurea: ${(e as Error).stack ?? e}`);
  return 1;
});
if (code !== null) process.exit(code);
