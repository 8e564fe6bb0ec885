// Takes pending batches in order and processes them, many per transaction. A batch
// that throws is rolled back alone (savepoint), retried, then parked with its error.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { BatchProcessor, type BatchResult, type QueuedBatch } from "./process-batch";

export const MAX_ATTEMPTS = 5;
// Small runs keep the event loop free to answer requests between them (ack latency).
const BATCHES_PER_RUN = 50;
// Done batches are kept briefly for inspection, then deleted (with them, nothing of the request remains).
const DONE_RETENTION_MS = 2 * 60 * 1000;

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
  pending: number;

  constructor(private ctx: AppContext) {
    const sqlite: Database = ctx.store.sqlite;
    this.processor = new BatchProcessor(sqlite, (ip) => ctx.geo.lookup(ip));
    this.claim = sqlite.prepare<QueuedBatch & { attempts: number }, [number]>(
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
      this.schedule(n >= BATCHES_PER_RUN ? 0 : n > 0 ? 2 : 1000);
    }, delayMs);
  }

  /** Returns how many batches it handled. */
  runOnce(): number {
    if (this.running) return 0;
    this.running = true;
    try {
      const batches = this.claim.all(BATCHES_PER_RUN);
      if (!batches.length) return 0;
      const sqlite = this.ctx.store.sqlite;
      const now = this.ctx.now();
      this.processor.startRun();
      let handled = 0;
      sqlite.transaction(() => {
        for (const batch of batches) {
          try {
            sqlite.transaction(() => {
              const result = this.processor.process(batch);
              this.markDone.run(now, batch.id);
              if (result.written.length || result.newContacts.length) this.notifyListeners(result);
            })();
          } catch (e) {
            this.processor.forget();
            const attempts = batch.attempts + 1;
            const status = attempts >= MAX_ATTEMPTS ? "parked" : "pending";
            const message = (e as Error).message ?? String(e);
            this.markFailed.run(status, attempts, message, status, batch.id);
            this.ctx.log(`ingest batch ${batch.id} failed (attempt ${attempts}/${MAX_ATTEMPTS}${status === "parked" ? ", parked" : ""}): ${message}`);
            if (status === "pending") continue;
          }
          handled++;
        }
        if (now - this.lastPurge > 15_000) {
          this.purgeDone.run(now - DONE_RETENTION_MS);
          this.lastPurge = now;
        }
      }).immediate();
      this.pending = Math.max(0, this.pending - handled);
      return batches.length;
    } finally {
      this.running = false;
    }
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
