// The processing thread: its own database connection and enrichment, the same
// worker and listeners as inline processing. Talks to the server by messages.
import type { ServeConfig } from "../config";
import type { AppContext } from "../context";
import { InlineReads } from "../analytics/reads/run";
import { openStore, releasePageCaches } from "../db/open";
import { openGeo } from "../enrich/geo";
import { timelineNeeds } from "../automations/needs";
import { automationRuntime } from "../automations/runtime";
import { automationLookups } from "../automations/runtime-lookups";
import { reportHeap } from "../ops/heap-report";
import { BUSY_COLLECT_MS, IdleCollector } from "../ops/idle-collect";
import { createOps } from "../ops/ops";
import { ClickHouseLink } from "../store/clickhouse/link";
import { ClickHouseEventWriter } from "../store/clickhouse/writer/event-writer";
import { installEventListeners } from "./listeners";
import type { ThreadMessage } from "./processing";
import { IngestWorker } from "./worker";

declare const self: Worker;

type Incoming =
  | { type: "start"; config: ServeConfig; geoCopy: string | null }
  | { type: "notify"; count: number }
  | { type: "watch"; funnels: string[] }
  | { type: "stop"; drainMs: number };

/**
 * Per ClickHouse request: the processing thread's SQLite transaction stays open while a
 * run's rows travel (staged-run.ts), so a server that stops answering fails the run
 * well before other writers' busy timeout (5 s) runs out.
 */
const CLICKHOUSE_REQUEST_TIMEOUT_MS = 4000;

/**
 * This thread's page cache (KiB), not the 64 MiB a store opens with: runs write the
 * newest pages of each index, and the rest comes from the kernel's file cache. At 10M
 * events, 16 MiB instead of 64 took a burst's peak from 432 to 380 MiB, and 8 MiB
 * processed as fast (docs/performance.md, "The burst's memory"); 4 MiB too, with
 * smaller runs (docs/performance.md, "The burst's memory (stop 24)").
 */
const PROCESSING_CACHE_KIB = 4096;

/**
 * Runs of at most 1,000 SDK batches (10,000 events); RUN_PAYLOAD_BYTES (2 MB) ends the
 * launch-day spike's runs at about 600 (./worker.ts). Runs of 250 held the processing heap's peak
 * during a burst at 84 MiB instead of 109, but a backlog then drained at 32–36k events/s
 * instead of 41–57k (bench-drain, same run): each run has its fixed costs
 * (docs/performance.md, "The burst's memory").
 */
const BATCHES_PER_RUN = 1000;

/** How often the thread sends its counters and its state to the HTTP thread. */
const STATS_MS = 1000;

let ctx: AppContext | null = null;
let worker: IngestWorker | null = null;
/** The ClickHouse event store, when the server was started with one. */
let clickhouse: ClickHouseLink | null = null;
// Funnels with live dashboards open on the HTTP thread; empty keeps the listener idle.
const watched = new Set<string>();
const send = (m: ThreadMessage) => postMessage(m);
// A run's batches and enrichment are garbage once committed, and the page cache the runs
// filled is idle: both given back when the queue is quiet. While a backlog lasts, the
// runs' garbage is collected as they go, at most every BUSY_COLLECT_MS (./ops/idle-collect.ts).
const idle = new IdleCollector({ release: () => releasePageCaches(ctx?.store), busyCollectMs: BUSY_COLLECT_MS });
reportHeap("processing");

self.onmessage = async (e: MessageEvent<Incoming>) => {
  const m = e.data;
  if (m.type === "start") {
    // Mapped (the copy startServer placed) or read at the first address to locate: a server
    // with no traffic yet holds none of it.
    const geo = await openGeo(m.config.geoipPath, { lazy: true, mapped: m.geoCopy });
    const log = (line: string) => send({ type: "log", line });
    const ops = createOps(m.config, log, Date.now);
    const store = openStore(m.config.dataDir, { checkFiles: false });
    ctx = {
      store,
      // Never used here (the reader threads serve the dashboard); it costs nothing until run.
      reads: new InlineReads(store.sqlite),
      config: m.config,
      geo,
      now: Date.now,
      log,
      ops,
      eventListeners: [],
      stopping: false,
      live: { funnels: watched, emit: (funnels) => send({ type: "live", funnels }) },
    };
    // The checkpoint thread (src/db/checkpointer.ts) copies the WALs this thread fills.
    ctx.store.sqlite.exec("PRAGMA wal_autocheckpoint = 0");
    ctx.store.sqlite.exec(`PRAGMA cache_size = -${PROCESSING_CACHE_KIB}`);
    ctx.store.queue.exec("PRAGMA wal_autocheckpoint = 0");
    installEventListeners(ctx);
    // The job runner lives on the HTTP thread: tell it, once the run that enqueued due
    // jobs has committed, so that it finds them.
    let jobsDue = false;
    automationRuntime(ctx).wake = () => (jobsDue = true);
    // ClickHouse prefers few large inserts: a run waits up to a second for more batches.
    clickhouse = m.config.eventStore ? new ClickHouseLink(m.config.eventStore, Date.now, CLICKHOUSE_REQUEST_TIMEOUT_MS) : null;
    if (clickhouse) log(`processing: events go to ClickHouse at ${clickhouse.target.shown}`);
    const staged = clickhouse ? new ClickHouseEventWriter(store.sqlite, clickhouse) : undefined;
    if (staged) {
      // Automations look up visitors inside the run's transaction: the writer loads what they will ask for.
      const rt = automationRuntime(ctx);
      staged.timelineNeed = timelineNeeds(rt);
      rt.lookups = automationLookups(store.sqlite, staged.visitorLookups);
    }
    worker = new IngestWorker(ctx, {
      batchesPerRun: BATCHES_PER_RUN,
      staged,
      gatherMs: clickhouse ? 1000 : undefined,
      checkpointQueue: false,
      marks: {
        done: (ids) => send({ type: "done", ids }),
        parked: (id, attempts, error) => send({ type: "parked", id, attempts, error }),
      },
    });
    worker.onProcessed = (count) => {
      idle.active();
      send({ type: "processed", count });
      if (jobsDue) send({ type: "jobs" });
      jobsDue = false;
    };
    worker.start();
    send({ type: "ready", pending: worker.pending });
    setInterval(() => {
      const { lastRunAt, fault } = ops.processing;
      send({ type: "stats", deltas: ops.metrics.registry.takeDeltas(), lastRunAt, fault, eventStore: clickhouse ? { ...clickhouse.health } : null });
    }, STATS_MS);
  } else if (m.type === "watch") {
    watched.clear();
    for (const id of m.funnels) watched.add(id);
  } else if (m.type === "notify") {
    idle.active();
    worker?.notify(m.count);
  } else if (m.type === "stop") {
    try {
      if (ctx && worker) {
        ctx.stopping = true;
        worker.stop();
        if (clickhouse) await worker.drainAsync(Date.now() + m.drainMs);
        else worker.drain(Date.now() + m.drainMs);
        await clickhouse?.close();
        send({ type: "stats", deltas: ctx.ops.metrics.registry.takeDeltas(), lastRunAt: ctx.ops.processing.lastRunAt, fault: null });
        ctx.store.close();
        ctx.geo.close();
      }
    } catch (e) {
      send({ type: "log", line: `processing: stopping failed: ${(e as Error).message}` });
    } finally {
      send({ type: "stopped" });
    }
  }
};
