import { ConfigError, parseFlags, SERVE_FLAGS, serveConfig } from "../config";
import { writePidFile } from "../backup/server-pid";
import { reluctantJit } from "../ops/jit-policy";
import { startServer } from "../server";
import type { Command } from "./commands";
import { VERSION } from "./version";

const SHUTDOWN_LIMIT_MS = 30_000;

export const serveCommand: Command = {
  summary: "run the server (ingest, dashboard, API)",
  async run(argv) {
    const flags = parseFlags(argv, SERVE_FLAGS);
    if (flags._.length) throw new ConfigError(`serve takes no arguments, got "${flags._[0]}"`);
    const config = serveConfig(flags);
    const running = await startServer(config);
    // With events processed on a thread of their own, this thread accepts, routes and renders.
    if (config.processingThread) reluctantJit();
    const removePidFile = writePidFile(config.dataDir);
    console.log(`aurea ${VERSION} listening on ${running.url} (data: ${config.dataDir}, geo: ${running.ctx.geo.source})`);
    const shutdown = (signal: string) => {
      console.log(`aurea: ${signal} received, finishing work in hand`);
      // Whatever hangs (a disk that stopped answering), the process ends: what was
      // acknowledged is durable in the queue and processed on the next start.
      setTimeout(() => {
        console.error(`aurea: stopping took more than ${SHUTDOWN_LIMIT_MS / 1000} s; exiting now (queued events are processed on the next start)`);
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      // A backup in progress is one of the server's tasks: stop() waits for it.
      running.stop()
        .then(removePidFile)
        .then(
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
