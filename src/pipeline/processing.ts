// Where batches are processed: on the server's own thread (tests, small installs)
// or on a thread of its own with its own database connection (the default for
// `aurea serve`), so processing uses the second core and never delays an answer.
import type { AppContext } from "../context";
import type { ServeConfig } from "../config";
import type { MetricDeltas } from "../ops/metrics";
import type { FaultReport } from "../ops/faults";
import type { Ops } from "../ops/ops";
import type { EventStoreHealth } from "../store/event-writer";
import { threadEntryUrl } from "../thread-url";
import type { QueueMarks } from "./queue-marks";
import { IngestWorker } from "./worker";

/** How long stopping may spend processing what is pending (it stays queued, durable). */
export const STOP_DRAIN_MS = 5000;
/** After this, a processing thread that has not stopped is terminated. */
const STOP_LIMIT_MS = 15_000;
/** Pauses before restarting a processing thread that died: doubles up to the last. */
const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;

export interface Processing {
  /** Batches committed and not yet processed. */
  readonly pending: number;
  notify(count: number): void;
  /** Called when processing enqueued jobs that are due now (automations fired). */
  onJobs: () => void;
  /** Which funnels have live dashboards open (the thread's listener needs to know). */
  watch(funnels: string[]): void;
  /** Called once events for these funnels were committed (thread processing only). */
  onLive: (funnelIds: string[]) => void;
  /** Stops after processing what is pending, for at most STOP_DRAIN_MS; the rest stays queued. */
  stop(): Promise<void>;
}

export class InlineProcessing implements Processing {
  readonly worker: IngestWorker;
  /** Unused: inline, the automations runtime wakes its runner itself. */
  onJobs: () => void = () => {};
  /** Unused: inline, the live listener tells the hub itself. */
  onLive: (funnelIds: string[]) => void = () => {};
  watch(): void {}

  constructor(ctx: AppContext) {
    this.worker = new IngestWorker(ctx, { batchesPerRun: 50 });
    this.worker.start();
  }

  get pending(): number {
    return this.worker.pending;
  }

  notify(count: number): void {
    this.worker.notify(count);
  }

  async stop(): Promise<void> {
    this.worker.stop();
    this.worker.drain(Date.now() + STOP_DRAIN_MS);
  }
}

export type ThreadMessage =
  | { type: "ready"; pending: number }
  | { type: "processed"; count: number }
  | { type: "jobs" }
  | { type: "live"; funnels: string[] }
  | { type: "log"; line: string }
  | { type: "done"; ids: number[] }
  | { type: "parked"; id: number; attempts: number; error: string }
  | { type: "stats"; deltas: MetricDeltas; lastRunAt: number; fault: FaultReport | null; eventStore?: EventStoreHealth | null }
  | { type: "stopped" };

/**
 * Processing on a thread of its own. If the thread dies (an error nothing caught, a
 * crash), the death is logged and a new thread takes over: the queue is durable, so
 * it starts from the first pending batch.
 */
export class ThreadProcessing implements Processing {
  pending = 0;
  onJobs: () => void = () => {};
  onLive: (funnelIds: string[]) => void = () => {};
  private thread!: Worker;
  /** The funnels with live dashboards open, told again to a restarted thread. */
  private watched: string[] = [];
  /** Bumped per thread, so the events of a dead thread are told apart. */
  private generation = 0;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private resolveStopped: () => void = () => {};
  private restartMs = 0;
  /** A thread is running and answers messages. */
  private alive = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    private config: ServeConfig,
    private log: (line: string) => void,
    private marks: QueueMarks,
    private ops: Ops,
    private geoCopy: string | null,
  ) {}

  /**
   * marks: records on the HTTP thread's queue connection what the thread reports.
   * geoCopy: the server's copy of the GeoIP database for the thread to map (../enrich/geo-copy.ts).
   */
  static async start(config: ServeConfig, log: (line: string) => void, marks: QueueMarks, ops: Ops, geoCopy: string | null): Promise<ThreadProcessing> {
    const p = new ThreadProcessing(config, log, marks, ops, geoCopy);
    await p.spawn();
    return p;
  }

  /** Starts a thread; resolves once it is processing, rejects if it fails before. */
  private spawn(): Promise<void> {
    const generation = ++this.generation;
    // smol: a heap that collects sooner (during a burst, the processing heap reserved
    // 59 MiB instead of 107; docs/performance.md, "The burst's memory").
    const thread = new Worker(threadEntryUrl("pipeline/thread-entry.ts"), { smol: true });
    this.thread = thread;
    return new Promise((resolve, reject) => {
      let ready = false;
      const died = (reason: string) => {
        if (generation !== this.generation) return;
        this.generation++; // one death, however many events tell of it
        this.alive = false;
        if (!ready) return reject(new Error(`processing thread failed: ${reason}`));
        thread.terminate();
        if (this.stopping) return this.resolveStopped();
        this.restartMs = Math.min(RESTART_MAX_MS, Math.max(RESTART_FIRST_MS, this.restartMs * 2));
        this.ops.metrics.processingRestarts.inc();
        this.log(`processing thread died (${reason}); restarting it in ${this.restartMs} ms`);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (this.stopping) return;
          this.spawn().then(
            () => this.log("processing thread restarted"),
            (e) => this.log(`processing thread could not restart: ${(e as Error).message}`),
          );
        }, this.restartMs);
      };
      thread.addEventListener("message", (e: MessageEvent<ThreadMessage>) => {
        if (generation !== this.generation) return;
        const m = e.data;
        if (m.type === "ready") {
          ready = true;
          this.alive = true;
          this.pending = m.pending;
          this.ops.processing.lastRunAt = Date.now();
          resolve();
        } else this.handle(m);
      });
      thread.addEventListener("error", (e) => died((e as ErrorEvent).message || "uncaught error"));
      thread.addEventListener("close", () => died("the thread exited"));
      thread.postMessage({ type: "start", config: this.config, geoCopy: this.geoCopy });
      if (this.watched.length) thread.postMessage({ type: "watch", funnels: this.watched });
    });
  }

  private handle(m: ThreadMessage): void {
    if (m.type === "done") this.marks.done(m.ids);
    else if (m.type === "parked") this.marks.parked(m.id, m.attempts, m.error);
    else if (m.type === "processed") {
      this.pending = Math.max(0, this.pending - m.count);
      this.restartMs = 0;
    } else if (m.type === "jobs") this.onJobs();
    else if (m.type === "live") this.onLive(m.funnels);
    else if (m.type === "log") this.log(m.line);
    else if (m.type === "stats") {
      this.ops.metrics.registry.addDeltas(m.deltas);
      this.ops.processing.lastRunAt = m.lastRunAt;
      this.ops.processing.fault = m.fault;
      if (m.eventStore) this.ops.processing.eventStore = m.eventStore;
    } else if (m.type === "stopped") this.resolveStopped();
  }

  watch(funnels: string[]): void {
    this.watched = funnels;
    this.thread.postMessage({ type: "watch", funnels });
  }

  notify(count: number): void {
    this.pending += count;
    this.thread.postMessage({ type: "notify", count });
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      if (this.restartTimer) clearTimeout(this.restartTimer);
      if (!this.alive) return; // died and not restarted yet: nothing to wait for, all stays queued
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stopped = new Promise<"stopped">((resolve) => {
        this.resolveStopped = () => resolve("stopped");
        this.thread.postMessage({ type: "stop", drainMs: STOP_DRAIN_MS });
      });
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), STOP_LIMIT_MS)));
      if ((await Promise.race([stopped, late])) === "late") {
        this.log(`processing thread did not stop within ${STOP_LIMIT_MS / 1000} s; what it had not processed stays queued for the next start`);
      }
      clearTimeout(timer);
      this.generation++;
      this.thread.terminate();
    })();
    return this.stopped;
  }
}
