// Reads on reader threads, each with its own connection, so the HTTP thread only
// routes and renders and a slow report never delays a 202 or /healthz.
//
// bun:sqlite cannot interrupt a running statement (no sqlite3_interrupt), so a read
// past its budget is abandoned: its promise rejects with ReadTimeoutError, the thread
// is terminated (it stops as soon as the statement in progress returns, and its
// connection closes, rolling back anything unfinished) and a fresh thread takes over
// the queue. Reads still waiting in the queue are never lost, they go to the new thread.
import { threadEntryUrl } from "../../thread-url";
import { Unavailable } from "../../http/errors";
import type { ClickHouseTarget } from "../../store/clickhouse/connection";
import type { ReadArgs, ReadName, ReadResult, Registry } from "./context";
import type { ReadRegistry } from "./registry";
import { failureError, ReadTimeoutError, type Reads } from "./run";
import type { FromReader, ToReader } from "./serve";

export interface ThreadReadsOptions {
  /** The main database file. */
  path: string;
  threads: number;
  budgetMs: number;
  /** False when a checkpoint thread copies the WAL (src/db/checkpointer.ts). */
  autocheckpoint: boolean;
  log: (line: string) => void;
  /** Reads waiting beyond this many are refused with 503 reader_busy. */
  maxQueued?: number;
  /** The thread's entry module (tests add reads of their own); default ./thread-entry.ts. */
  entryUrl?: string;
  /** The ClickHouse event store (--events), when events are there. */
  clickhouse?: ClickHouseTarget | null;
}

interface Job {
  id: number;
  name: string;
  args: unknown;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

interface ReaderThread {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export class ThreadReads<R extends Registry = ReadRegistry> implements Reads<R> {
  private threads: ReaderThread[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private stopped = false;
  private warnedPriority = false;
  /** Threads replaced after a timeout or a crash (for tests and the log). */
  replaced = 0;

  private constructor(private opts: ThreadReadsOptions) {}

  /** Starts the threads and resolves once each has opened its connection. */
  static async start<R extends Registry = ReadRegistry>(opts: ThreadReadsOptions): Promise<ThreadReads<R>> {
    const reads = new ThreadReads<R>(opts);
    await Promise.all(Array.from({ length: opts.threads }, () => reads.spawn()));
    return reads;
  }

  run<N extends ReadName<R>>(name: N, args: ReadArgs<R, N>): Promise<Awaited<ReadResult<R, N>>> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(new Unavailable("stopping", "the server is stopping"));
      if (this.queue.length >= (this.opts.maxQueued ?? 64)) {
        return reject(new Unavailable("reader_busy", "Too many reports are being computed right now; try again in a moment."));
      }
      this.queue.push({ id: this.nextId++, name, args, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Reads running or waiting. */
  get pending(): number {
    return this.queue.length + this.threads.filter((t) => t.job).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.queue.splice(0)) job.reject(new Unavailable("stopping", "the server is stopping"));
    await Promise.all(this.threads.map((t) => this.close(t)));
    this.threads = [];
  }

  private spawn(): Promise<void> {
    const t: ReaderThread = { worker: new Worker(this.opts.entryUrl ?? threadEntryUrl("analytics/reads/thread-entry.ts"), { smol: true }), ready: false, job: null, timer: null };
    this.threads.push(t);
    return new Promise((resolve) => {
      t.worker.addEventListener("message", (e: MessageEvent<FromReader>) => {
        const m = e.data;
        if (m.type === "ready") {
          if (m.unprioritised && !this.warnedPriority) this.opts.log(`reads: ${m.unprioritised}`);
          this.warnedPriority ||= !!m.unprioritised;
          t.ready = true;
          resolve();
          this.dispatch();
        } else if (m.type === "result" || m.type === "error") {
          const job = t.job;
          if (!job || job.id !== m.id) return;
          this.finish(t);
          if (m.type === "result") job.resolve(m.value);
          else job.reject(failureError(m.failure, job.name));
          this.dispatch();
        }
      });
      t.worker.addEventListener("error", (e) => {
        this.opts.log(`reads: a reader thread failed: ${e.message}`);
        t.job?.reject(new Error(`read ${t.job.name} failed: the reader thread crashed (${e.message})`));
        this.replace(t);
        resolve();
      });
      const open: ToReader = { type: "open", path: this.opts.path, autocheckpoint: this.opts.autocheckpoint, clickhouse: this.opts.clickhouse ?? null };
      t.worker.postMessage(open);
    });
  }

  private dispatch(): void {
    for (const t of this.threads) {
      if (this.stopped || !this.queue.length) return;
      if (!t.ready || t.job) continue;
      const job = this.queue.shift()!;
      t.job = job;
      t.timer = setTimeout(() => this.timeout(t, job), this.opts.budgetMs);
      const msg: ToReader = { type: "run", id: job.id, name: job.name, args: job.args };
      t.worker.postMessage(msg);
    }
  }

  private timeout(t: ReaderThread, job: Job): void {
    if (t.job !== job) return;
    this.opts.log(`reads: ${job.name} ran past ${this.opts.budgetMs} ms; abandoned, starting a fresh reader thread`);
    job.reject(new ReadTimeoutError(this.opts.budgetMs));
    this.replace(t);
  }

  private replace(t: ReaderThread): void {
    this.finish(t);
    t.ready = false;
    this.threads = this.threads.filter((x) => x !== t);
    t.worker.terminate();
    if (this.stopped) return;
    this.replaced++;
    void this.spawn();
  }

  private finish(t: ReaderThread): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    t.job = null;
  }

  /** Lets the thread close its connection (a running read is abandoned), then ends it. */
  private close(t: ReaderThread): Promise<void> {
    t.job?.reject(new Unavailable("stopping", "the server is stopping"));
    this.finish(t);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(deadline);
        t.worker.terminate();
        resolve();
      };
      const deadline = setTimeout(done, 1000);
      t.worker.addEventListener("message", (e: MessageEvent<FromReader>) => e.data.type === "closed" && done());
      t.worker.postMessage({ type: "close" } satisfies ToReader);
    });
  }
}
