// Takes pending batches in order and processes them, many per transaction. When a
// run fails, it is rolled back and redone batch by batch (savepoints), so only the
// failing batch is retried and, after MAX_ATTEMPTS, parked with its error.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { withoutFsync } from "../db/open";
import { BatchProcessor, type BatchResult, type QueuedBatch } from "./process-batch";

export const MAX_ATTEMPTS = 5;
// Done batches are kept briefly for inspection, then deleted (with them, nothing of the request remains).
const DONE_RETENTION_MS = 2 * 60 * 1000;

type ClaimedBatch = QueuedBatch & { attempts: number };

export interface WorkerOptions {
  /**
   * Batches per transaction. Sharing a thread with the HTTP server, small runs keep
   * the event loop free to answer requests between them; on its own thread, larger
   * runs write each index page to the WAL fewer times.
   */
  batchesPerRun?: number;
}

export class IngestWorker {
  private processor: BatchProcessor;
  private claim;
  private markDone;
  private markFailed;
  private purgeDone;
  private countPending;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = Infinity;
  private running = false;
  private lastPurge = 0;
  private batchesPerRun: number;
  pending: number;
  /** Called after each run with how many batches left the pending state. */
  onProcessed: (count: number) => void = () => {};

  constructor(
    private ctx: AppContext,
    options: WorkerOptions = {},
  ) {
    this.batchesPerRun = options.batchesPerRun ?? 50;
    const sqlite: Database = ctx.store.sqlite;
    this.processor = new BatchProcessor(sqlite, (ip) => ctx.geo.lookup(ip));
    this.claim = sqlite.prepare<ClaimedBatch, [number]>(
      `SELECT id, funnel_id AS funnelId, key_kind AS keyKind, received_at AS receivedAt, ip, user_agent AS userAgent,
        payload, attempts FROM ingest_batches WHERE status = 'pending' ORDER BY id LIMIT ?`,
    );
    this.markDone = sqlite.prepare(
      "UPDATE ingest_batches SET status = 'done', ip = NULL, user_agent = NULL, processed_at = ?, attempts = attempts + 1 WHERE id = ?",
    );
    this.markFailed = sqlite.prepare(
      "UPDATE ingest_batches SET status = ?, attempts = ?, error = ?, ip = CASE WHEN ? = 'parked' THEN NULL ELSE ip END WHERE id = ?",
    );
    this.purgeDone = sqlite.prepare("DELETE FROM ingest_batches WHERE status = 'done' AND processed_at < ?");
    this.countPending = sqlite.prepare<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches WHERE status = 'pending'");
    this.pending = this.countPending.get()!.n;
  }

  start(): void {
    this.schedule(0);
  }

  /** New batches were committed: process them soon. */
  notify(count: number): void {
    this.pending += count;
    this.schedule(2);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Processes until nothing is pending (used on shutdown and in tests). */
  drain(): void {
    while (this.runOnce() > 0) {}
  }

  /** Runs at most once per timer; an earlier request replaces a later one (the idle poll). */
  private schedule(delayMs: number): void {
    if (this.ctx.stopping) return;
    const due = Date.now() + delayMs;
    if (this.timer) {
      if (due >= this.dueAt) return;
      clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Infinity;
      const n = this.runOnce();
      // More may be waiting: go on after giving the event loop a turn; else idle-poll.
      this.schedule(n >= this.batchesPerRun ? 0 : n > 0 ? 2 : 1000);
    }, delayMs);
  }

  /** Returns how many batches it looked at. */
  runOnce(): number {
    if (this.running) return 0;
    this.running = true;
    try {
      const batches = this.claim.all(this.batchesPerRun);
      if (!batches.length) return 0;
      const now = this.ctx.now();
      let handled: number;
      try {
        handled = this.inTransaction(() => this.processAll(batches, now));
      } catch {
        this.processor.forget();
        handled = this.inTransaction(() => this.processOneByOne(batches, now));
      }
      this.pending = Math.max(0, this.pending - handled);
      this.onProcessed(handled);
      return batches.length;
    } finally {
      this.running = false;
    }
  }

  private inTransaction(fn: () => number): number {
    const sqlite = this.ctx.store.sqlite;
    const now = this.ctx.now();
    const run = sqlite.transaction(() => {
      const n = fn();
      if (now - this.lastPurge > 15_000) {
        this.purgeDone.run(now - DONE_RETENTION_MS);
        this.lastPurge = now;
      }
      return n;
    });
    return withoutFsync(sqlite, () => run.immediate());
  }

  /** The fast path: every batch in one transaction, no savepoints. */
  private processAll(batches: ClaimedBatch[], now: number): number {
    this.processor.startRun();
    for (const batch of batches) this.processOne(batch, now);
    return batches.length;
  }

  /** The slow path after a failure: each batch in a savepoint of its own. */
  private processOneByOne(batches: ClaimedBatch[], now: number): number {
    const sqlite = this.ctx.store.sqlite;
    this.processor.startRun();
    let handled = 0;
    for (const batch of batches) {
      try {
        sqlite.transaction(() => this.processOne(batch, now))();
        handled++;
      } catch (e) {
        this.processor.forget();
        const attempts = batch.attempts + 1;
        const status = attempts >= MAX_ATTEMPTS ? "parked" : "pending";
        const message = (e as Error).message ?? String(e);
        this.markFailed.run(status, attempts, message, status, batch.id);
        this.ctx.log(`ingest batch ${batch.id} failed (attempt ${attempts}/${MAX_ATTEMPTS}${status === "parked" ? ", parked" : ""}): ${message}`);
        if (status === "parked") handled++;
      }
    }
    return handled;
  }

  private processOne(batch: ClaimedBatch, now: number): void {
    const result = this.processor.process(batch);
    this.markDone.run(now, batch.id);
    if (result.written.length || result.newContacts.length) this.notifyListeners(result);
  }

  /** Listener bugs must not stop ingestion: they are logged and the events still land. */
  private notifyListeners(result: BatchResult): void {
    for (const listener of this.ctx.eventListeners) {
      try {
        this.ctx.store.sqlite.transaction(() => listener(result.written, { newContacts: result.newContacts }))();
      } catch (e) {
        this.ctx.log(`event listener failed: ${(e as Error).stack ?? e}`);
      }
    }
  }
}
