#!/usr/bin/env bun
// Entry point of the `aurea` executable: parse the subcommand, hand over to src/cli.
import { ConfigError } from "./config";
import { runCommand } from "./cli/commands";
import { DamagedFileError } from "./db/files-check";

const code = await runCommand(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError) {
    console.error(`aurea: ${e.message}`);
    return 2;
  }
  if (e instanceof DamagedFileError) {
    console.error(`aurea: ${e.message}`);
    return 1;
  }
  console.error(`aurea: ${(e as Error).stack ?? e}`);
  return 1;
});
if (code !== null) process.exit(code);
