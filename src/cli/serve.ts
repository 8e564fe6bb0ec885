import { ConfigError, parseFlags, SERVE_FLAGS, serveConfig } from "../config";
import { startServer } from "../server";
import type { Command } from "./commands";
import { VERSION } from "./version";

export const serveCommand: Command = {
  summary: "run the server (ingest, dashboard, API)",
  async run(argv) {
    const flags = parseFlags(argv, SERVE_FLAGS);
    if (flags._.length) throw new ConfigError(`serve takes no arguments, got "${flags._[0]}"`);
    const config = serveConfig(flags);
    const running = await startServer(config);
    console.log(`aurea ${VERSION} listening on ${running.url} (data: ${config.dataDir}, geo: ${running.ctx.geo.source})`);
    const shutdown = (signal: string) => {
      console.log(`aurea: ${signal} received, finishing work in hand`);
      running.stop().then(
        () => {
          console.log("aurea: stopped cleanly");
          process.exit(0);
        },
        (e) => {
          console.error(`aurea: shutdown failed: ${e}`);
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
    return null;
  },
};
