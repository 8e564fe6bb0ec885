// Wires the running server: database, enrichment, ingest, processing and routes.
import { Elysia } from "elysia";
import { reportHeap } from "./ops/heap-report";
import { BUSY_COLLECT_MS, HTTP_BUSY_COLLECT_GROWTH, IdleCollector } from "./ops/idle-collect";
import type { ServeConfig } from "./config";
import type { AppContext } from "./context";
import { Checkpointer } from "./db/checkpointer";
import { checkDataFiles } from "./db/start-checks";
import { restoreAdvice } from "./db/files-check";
import { openStore, releasePageCaches } from "./db/open";
import { attachClickHouse } from "./store/clickhouse/serve";
import { eventStoreNotice } from "./ops/event-store-notice";
import { setSiteNotice } from "../views/layout";
import { InlineReads, type Reads } from "./analytics/reads/run";
import { READS } from "./analytics/reads/registry";
import { ThreadReads } from "./analytics/reads/thread-reads";
import { geoSourceFile, openGeo } from "./enrich/geo";
import { placeGeoCopy } from "./enrich/geo-copy";
import { GroupCommitter } from "./ingest/group-commit";
import { ingestRoutes } from "./ingest/routes";
import { recordPayments } from "./payments/record";
import { paymentRoutes } from "./payments/webhook-route";
import { installEventListeners } from "./pipeline/listeners";
import { localQueueMarks, retryingMarks } from "./pipeline/queue-marks";
import { createOps } from "./ops/ops";
import { opsHooks } from "./ops/web-hooks";
import { opsRoutes } from "./ops/routes";
import { InlineProcessing, ThreadProcessing, type Processing } from "./pipeline/processing";
import type { IngestWorker } from "./pipeline/worker";
import { startAlerts, type RunningAlerts } from "./alerts/start";
import { startAutomations } from "./automations/start";
import { startReports } from "./reports/start";
import { TaskRunner } from "./tasks/runner";
import { serverTasks } from "./tasks/table";
import { LiveHub } from "./live/hub";
import { liveStreamRoutes } from "./web/live-stream";
import { analyticsRoutes } from "./web/analytics-routes";
import { refuseLargeBodies } from "./web/body-limit";
import { apiRoutes } from "./web/api-routes";
import { automationRoutes } from "./web/automations";
import { dashboardRoutes } from "./web/dashboard";
import { experimentsApi } from "./web/experiments-api";
import { experimentsSdkRoute } from "./web/experiments-sdk-route";
import { paymentsApi } from "./web/payments-api";
import { sdkRoutes } from "./web/sdk-route";
import { stepsApi } from "./web/steps-api";
import { stepsPages } from "./web/pages/steps";
import { experimentPages } from "./web/pages/experiments";
import { paymentPages } from "./web/pages/payments";
import { reportSettingsPages, unsubscribeRoutes } from "./web/pages/reports";
import { unknownRoute } from "./http/page-errors";

export interface RunningServer {
  ctx: AppContext;
  url: string;
  port: number;
  processing: Processing;
  /** The inline worker (null when processing runs on its own thread); tests drive it. */
  worker: IngestWorker | null;
  /** Scheduled digests: tests call tick() after moving the clock. */
  reports: { tick(): number };
  /** Open live dashboards (Server-Sent Events). */
  live: LiveHub;
  /** Periodic alert checks: tests call check() after moving the clock. */
  alerts: RunningAlerts;
  /** The periodic tasks (src/tasks/table.ts). */
  tasks: TaskRunner;
  /** Every registered route (method and path), for tests that check a rule holds on all of them. */
  routes: { method: string; path: string }[];
  /** Stop accepting, finish the work in hand, close the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  now?: () => number;
  log?: (line: string) => void;
  /** The reader threads' entry module (tests register reads of their own). */
  readerEntryUrl?: string;
}

export function createApp(ctx: AppContext, committer: GroupCommitter, processing: Processing, live: LiveHub, idle?: IdleCollector) {
  const routes = {
    ...ingestRoutes(ctx, { committer, pendingBatches: () => processing.pending }),
    ...paymentRoutes(ctx, { record: (funnelId, facts) => recordPayments({ committer, now: ctx.now }, funnelId, facts) }),
  };
  return new Elysia({ serve: { routes } })
    .onRequest(refuseLargeBodies)
    .onRequest(() => idle?.active())
    .use(opsHooks(ctx))
    .use(opsRoutes(ctx, { committer, processing }))
    .use(apiRoutes(ctx))
    .use(automationRoutes(ctx))
    .use(stepsApi(ctx))
    .use(paymentsApi(ctx))
    .use(experimentsApi(ctx))
    .use(sdkRoutes())
    .use(experimentsSdkRoute(ctx))
    .use(dashboardRoutes(ctx))
    .use(stepsPages(ctx))
    .use(experimentPages(ctx))
    .use(paymentPages(ctx))
    .use(unsubscribeRoutes(ctx))
    .use(reportSettingsPages(ctx))
    .use(liveStreamRoutes(ctx, live))
    .use(analyticsRoutes(ctx))
    .onError(unknownRoute(ctx));
}

export async function startServer(config: ServeConfig, options: StartOptions = {}): Promise<RunningServer> {
  const store = openStore(config.dataDir);
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  // With a processing thread, that thread does the lookups: this one only names the
  // database. Lookups read the server's copy of it, mapped (./enrich/geo-copy.ts).
  const geoCopy = await placeGeoCopy(config.dataDir, geoSourceFile(config.geoipPath), log);
  const geo = await openGeo(config.geoipPath, { lazy: config.processingThread, mapped: geoCopy });
  const ops = createOps(config, log, now);
  const reads: Reads =
    config.readerThreads > 0
      ? await ThreadReads.start({
          path: store.path,
          threads: config.readerThreads,
          budgetMs: config.queryTimeoutMs,
          autocheckpoint: !config.processingThread,
          log,
          entryUrl: options.readerEntryUrl,
          clickhouse: config.eventStore ?? null,
        })
      : new InlineReads(store.sqlite, READS, config.eventStore ?? null);
  // Reads and processing have connections of their own: this one serves logins,
  // settings and the live push, which need a small page cache, not 64 MiB.
  if (config.readerThreads > 0 && config.processingThread) store.sqlite.exec("PRAGMA cache_size = -2048");
  const ctx: AppContext = { store, config, geo, now, log, ops, reads, eventListeners: [], stopping: false };
  const clickhouse = config.eventStore ? attachClickHouse(ctx, config.eventStore) : null;
  // The readers need the schema from the first page on; when ClickHouse is down now,
  // the processing thread migrates once it answers (pages say it is down until then).
  await clickhouse?.ensureSchema().catch((e) => log(`events: ClickHouse schema not checked at start: ${(e as Error).message}`));
  const notice = setSiteNotice(() => eventStoreNotice(ops.processing.eventStore, processing?.pending ?? 0));
  ops.damage = checkDataFiles(store, config.dataDir, now());
  for (const line of ops.damage) log(`damaged data: ${line}. ${restoreAdvice(config.dataDir)}`);
  const committer = new GroupCommitter(store.queue);
  committer.timings = { commit: ops.metrics.ingestCommit, fsync: ops.metrics.ingestFsync };
  let processing: Processing | null = null;
  const live = new LiveHub(ctx.store.events.dashboard, { now: () => ctx.now(), log: ctx.log, onWatchChange: (funnels) => processing?.watch(funnels) });
  let checkpointer: Checkpointer | null = null;
  if (config.processingThread) {
    // Checkpoints run on a thread of their own: a commit here (a login, a delivery)
    // must never find a large WAL and copy it while requests wait.
    store.sqlite.exec("PRAGMA wal_autocheckpoint = 0");
    checkpointer = new Checkpointer([store.path, store.queue.filename], ctx.log);
    const marks = retryingMarks(localQueueMarks(store.queue), ops.faults, "queue");
    processing = await ThreadProcessing.start(config, ctx.log, marks, ops, geoCopy);
  }
  else {
    ctx.live = { funnels: live.funnels, emit: (ids) => live.notify(ids) };
    installEventListeners(ctx);
    processing = new InlineProcessing(ctx);
  }
  processing.onLive = (ids) => live.notify(ids);
  reportHeap("http");
  // The HTTP thread's heap after a burst of requests or a large page, and its page caches (./ops/idle-collect.ts).
  // While events keep coming, their requests' garbage is collected as they come.
  const idle = new IdleCollector({ release: () => releasePageCaches(store), busyCollectMs: BUSY_COLLECT_MS, busyCollectGrowth: HTTP_BUSY_COLLECT_GROWTH });
  committer.onCommitted = (n) => {
    idle.active();
    processing!.notify(n);
  };
  const app = createApp(ctx, committer, processing, live, idle);
  app.listen({ port: config.port, hostname: config.host, maxRequestBodySize: Number.MAX_SAFE_INTEGER });
  const server = app.server!;
  const automations = startAutomations(ctx);
  const reports = startReports(ctx, automations.runner);
  const alerts = startAlerts(ctx, automations.runner);
  const tasks = new TaskRunner(serverTasks(ctx, { automations, reports, alerts }), { now: () => ctx.now(), log: ctx.log }).start();
  ops.tasks = () => [...tasks.status(), ...(checkpointer?.status() ?? [])];
  processing.onJobs = () => automations.runner.wake(2);
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${shownHost}:${server.port}`;

  let stopped: Promise<void> | null = null;
  return {
    ctx,
    url,
    port: server.port!,
    processing,
    worker: processing instanceof InlineProcessing ? processing.worker : null,
    reports: {
      tick() {
        const queued = reports.tick();
        tasks.reschedule("digests");
        return queued;
      },
    },
    live,
    alerts,
    tasks,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
    stop() {
      stopped ??= (async () => {
        ctx.stopping = true;
        live.stop(); // open streams would hold the graceful stop below forever
        await server.stop(false);
        idle.stop();
        committer.flushNow();
        await tasks.stop();
        await reads.stop();
        await processing.stop();
        await checkpointer?.stop();
        await automations.stop();
        await clickhouse?.close();
        notice.clear();
        store.close();
        geo.close();
      })();
      return stopped;
    },
  };
}
