// Wires the running server: database, enrichment, ingest, worker and routes.
import { Elysia } from "elysia";
import type { ServeConfig } from "./config";
import type { AppContext } from "./context";
import { openStore } from "./db/open";
import { openGeo } from "./enrich/geo";
import { jsonResponse } from "./ingest/errors";
import { GroupCommitter } from "./ingest/group-commit";
import { ingestRoutes } from "./ingest/routes";
import { queueCounts } from "./pipeline/batch-list";
import { IngestWorker } from "./pipeline/worker";
import { apiRoutes } from "./web/api-routes";
import { sdkRoutes } from "./web/sdk-route";

export interface RunningServer {
  ctx: AppContext;
  url: string;
  port: number;
  worker: IngestWorker;
  /** Stop accepting, finish the work in hand, close the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  now?: () => number;
  log?: (line: string) => void;
}

export function createApp(ctx: AppContext, committer: GroupCommitter, worker: IngestWorker) {
  return new Elysia()
    .use(ingestRoutes(ctx, { committer, pendingBatches: () => worker.pending }))
    .use(apiRoutes(ctx))
    .use(sdkRoutes())
    .get("/healthz", () => {
      try {
        ctx.store.sqlite.query("SELECT 1").get();
        return jsonResponse(200, { status: "ok", database: "ok", queue: { ...queueCounts(ctx.store.sqlite), inMemory: committer.queued } });
      } catch (e) {
        return jsonResponse(503, { status: "error", database: (e as Error).message });
      }
    });
}

export async function startServer(config: ServeConfig, options: StartOptions = {}): Promise<RunningServer> {
  const geo = await openGeo(config.geoipPath);
  const store = openStore(config.dataDir);
  const ctx: AppContext = {
    store,
    config,
    geo,
    now: options.now ?? Date.now,
    log: options.log ?? ((line) => console.log(line)),
    eventListeners: [],
    stopping: false,
  };
  const committer = new GroupCommitter(store.sqlite);
  const worker = new IngestWorker(ctx);
  committer.onCommitted = (n) => worker.notify(n);
  const app = createApp(ctx, committer, worker);
  app.listen({ port: config.port, hostname: config.host, maxRequestBodySize: 4 * 1024 * 1024 });
  const server = app.server!;
  worker.start();
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${shownHost}:${server.port}`;

  let stopped: Promise<void> | null = null;
  return {
    ctx,
    url,
    port: server.port!,
    worker,
    stop() {
      stopped ??= (async () => {
        ctx.stopping = true;
        await server.stop(false);
        committer.flushNow();
        worker.stop();
        worker.drain();
        store.close();
        geo.close();
      })();
      return stopped;
    },
  };
}
