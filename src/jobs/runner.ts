// Claims due jobs and runs their handlers, a few at a time, without blocking the
// event loop: handlers are async (webhook deliveries are fetches), and each one's
// outcome is written in one transaction together with whatever it needs to record.
import type { Database } from "bun:sqlite";
import { JobQueue, type Job } from "./queue";

export type JobOutcome =
  | { kind: "done"; record?: () => void }
  | { kind: "retry"; at: number; error: string; record?: () => void }
  | { kind: "failed"; error: string; record?: () => void }
  /** Not attempted after all (the runner is stopping; or not yet decidable): due again at `at` (default now), attempt not counted. */
  | { kind: "release"; at?: number };

export interface JobHandler {
  run(job: Job, signal: AbortSignal): Promise<JobOutcome> | JobOutcome;
}

export interface RunnerOptions {
  concurrency?: number;
  /** How long a claimed job stays ours; past it, the job is due again (crash safety). */
  leaseMs?: number;
  /** The longest idle sleep between looks at the queue (other processes may enqueue). */
  idlePollMs?: number;
  /** On stop, how long in-flight jobs may finish before they are aborted. */
  stopGraceMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class JobRunner {
  readonly queue: JobQueue;
  private handlers = new Map<string, JobHandler>();
  private inFlight = new Set<Promise<void>>();
  private abort = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private stopped = true;
  private concurrency: number;
  private leaseMs: number;
  private idlePollMs: number;
  /** On stop, how long in-flight jobs may finish before they are aborted. */
  stopGraceMs: number;
  private now: () => number;
  private log: (line: string) => void;

  constructor(
    private sqlite: Database,
    options: RunnerOptions = {},
  ) {
    this.queue = new JobQueue(sqlite);
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.stopGraceMs = options.stopGraceMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Look at the queue soon (e.g. a job due now was just committed). */
  wake(delayMs = 0): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.tick();
    }, delayMs);
  }

  get running(): number {
    return this.inFlight.size;
  }

  /**
   * Stops claiming, lets in-flight jobs finish for up to stopGraceMs, then aborts the
   * rest (their handlers release them, so they are due again on the next start).
   * Resolves once every outcome has been written.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight.size) {
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((r) => (timeout = setTimeout(r, this.stopGraceMs)));
      await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
      clearTimeout(timeout);
    }
    this.abort.abort(new Error("server stopping"));
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    if (this.stopped) return;
    const free = this.concurrency - this.inFlight.size;
    let claimed: Job[] = [];
    try {
      // Finished jobs are purged hourly by the "jobs-purge" task (src/tasks/table.ts).
      claimed = this.queue.claim(this.now(), free, this.leaseMs);
    } catch (e) {
      this.log(`jobs: claim failed: ${(e as Error).message}`);
    }
    for (const job of claimed) this.launch(job);
    if (this.inFlight.size >= this.concurrency) return; // a finishing job wakes us
    if (claimed.length === free && free > 0) return this.wake(0);
    const next = this.safeNextDue();
    const delay = next === null ? this.idlePollMs : Math.min(this.idlePollMs, Math.max(0, next - this.now()));
    this.wake(Math.max(delay, 5));
  }

  private safeNextDue(): number | null {
    try {
      return this.queue.nextDueAt();
    } catch {
      return null;
    }
  }

  private launch(job: Job): void {
    const p = this.runOne(job).finally(() => {
      this.inFlight.delete(p);
      this.wake(0);
    });
    this.inFlight.add(p);
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    let outcome: JobOutcome;
    if (!handler) outcome = { kind: "failed", error: `no handler for job kind "${job.kind}"` };
    else {
      try {
        outcome = await handler.run(job, this.abort.signal);
      } catch (e) {
        const error = (e as Error).message ?? String(e);
        this.log(`jobs: ${job.kind} #${job.id} threw (attempt ${job.attempts}/${job.maxAttempts}): ${error}`);
        outcome =
          job.attempts >= job.maxAttempts
            ? { kind: "failed", error }
            : { kind: "retry", at: this.now() + Math.min(3_600_000, 10_000 * 2 ** job.attempts), error };
      }
    }
    this.apply(job, outcome);
  }

  private apply(job: Job, outcome: JobOutcome): void {
    const now = this.now();
    try {
      this.sqlite.transaction(() => {
        if (outcome.kind !== "release") outcome.record?.();
        if (outcome.kind === "done") this.queue.complete(job.id, now);
        else if (outcome.kind === "retry") this.queue.retry(job.id, outcome.at, outcome.error, now);
        else if (outcome.kind === "failed") this.queue.fail(job.id, outcome.error, now);
        else this.queue.release(job.id, now, outcome.at);
      }).immediate();
    } catch (e) {
      // The lease runs out and the job is tried again: better twice than never.
      this.log(`jobs: could not record the outcome of ${job.kind} #${job.id}: ${(e as Error).message}`);
    }
  }
}
