// Where batches are processed: on the server's own thread (tests, small installs)
// or on a thread of its own with its own database connection (the default for
// `aurea serve`), so processing uses the second core and never delays an answer.
import type { AppContext } from "../context";
import type { ServeConfig } from "../config";
import { threadEntryUrl } from "../thread-url";
import type { QueueMarks } from "./queue-marks";
import { IngestWorker } from "./worker";

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
  /** Stops after processing everything pending. */
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
    this.worker.drain();
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
  | { type: "stopped" };

export class ThreadProcessing implements Processing {
  pending = 0;
  onJobs: () => void = () => {};
  onLive: (funnelIds: string[]) => void = () => {};
  private thread: Worker;
  private stopped: Promise<void> | null = null;
  private resolveStopped: () => void = () => {};

  private constructor(log: (line: string) => void, marks: QueueMarks) {
    this.thread = new Worker(threadEntryUrl("pipeline/thread-entry.ts"));
    this.thread.addEventListener("message", (e: MessageEvent<ThreadMessage>) => {
      const m = e.data;
      if (m.type === "done") marks.done(m.ids);
      else if (m.type === "parked") marks.parked(m.id, m.attempts, m.error);
      else if (m.type === "processed") {
        this.pending = Math.max(0, this.pending - m.count);
      } else if (m.type === "jobs") {
        this.onJobs();
      } else if (m.type === "live") {
        this.onLive(m.funnels);
      } else if (m.type === "log") log(m.line);
      else if (m.type === "stopped") this.resolveStopped();
    });
  }

  /** marks: records on the HTTP thread's queue connection what the thread reports. */
  static start(config: ServeConfig, log: (line: string) => void, marks: QueueMarks): Promise<ThreadProcessing> {
    const p = new ThreadProcessing(log, marks);
    return new Promise((resolve, reject) => {
      const onReady = (e: MessageEvent<ThreadMessage>) => {
        if (e.data.type !== "ready") return;
        p.pending = e.data.pending;
        p.thread.removeEventListener("message", onReady);
        resolve(p);
      };
      p.thread.addEventListener("message", onReady);
      p.thread.addEventListener("error", (e) => reject(new Error(`processing thread failed: ${e.message}`)));
      p.thread.postMessage({ type: "start", config });
    });
  }

  watch(funnels: string[]): void {
    this.thread.postMessage({ type: "watch", funnels });
  }

  notify(count: number): void {
    this.pending += count;
    this.thread.postMessage({ type: "notify", count });
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.resolveStopped = resolve;
      this.thread.postMessage({ type: "stop" });
    }).then(() => this.thread.terminate());
    return this.stopped;
  }
}
