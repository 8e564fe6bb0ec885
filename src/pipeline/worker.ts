// Takes pending batches in order and processes them, many per transaction. When a
// run fails, it is rolled back and redone batch by batch (savepoints), so only the
// failing batch is retried and, after MAX_ATTEMPTS, parked with its error.
//
// Runs are committed without an fsync of their own; every SYNC_INTERVAL_MS the main
// database's WAL is fsynced, which makes every run before it durable. Only then are
// their batches marked done in the queue, so a power loss can cost processing work
// (redone, idempotently) but never an acknowledged event.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { closeSync, fsyncSync, openSync } from "node:fs";
import { withoutFsync } from "../db/open";
import { BatchProcessor, type BatchResult, type QueuedBatch } from "./process-batch";

export const MAX_ATTEMPTS = 5;
// Done batches are kept briefly for inspection, then deleted (with them, nothing of the request remains).
const DONE_RETENTION_MS = 2 * 60 * 1000;
const SYNC_INTERVAL_MS = 250;

type ClaimedBatch = QueuedBatch & { attempts: number };
type ParkedBatch = { id: number; error: string };

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
  private lastSync = 0;
  private lastClaimed = 0;
  /** Processed in a commit that may not be durable yet: marked done after the next synced run. */
  private unconfirmed: number[] = [];
  private takeWriteLock;
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
    const queue: Database = ctx.store.queue;
    this.processor = new BatchProcessor(sqlite, (ip) => ctx.geo.lookup(ip));
    this.claim = queue.prepare<ClaimedBatch, [number, number]>(
      `SELECT id, funnel_id AS funnelId, key_kind AS keyKind, received_at AS receivedAt, ip, user_agent AS userAgent,
        payload, attempts FROM ingest_batches WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?`,
    );
    this.markDone = queue.prepare(
      `UPDATE ingest_batches SET status = 'done', ip = NULL, user_agent = NULL, processed_at = ?, attempts = attempts + 1
       WHERE id IN (SELECT value FROM json_each(?))`,
    );
    this.markFailed = queue.prepare(
      "UPDATE ingest_batches SET status = 'parked', attempts = ?, error = ?, ip = NULL, user_agent = NULL WHERE id = ?",
    );
    this.purgeDone = queue.prepare("DELETE FROM ingest_batches WHERE status = 'done' AND processed_at < ?");
    this.countPending = queue.prepare<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches WHERE status = 'pending'");
    // A no-op write as the first statement takes the write lock (with busy_timeout) at
    // the start, so a run never fails upgrading a read to a write.
    this.takeWriteLock = sqlite.prepare("UPDATE funnels SET bots_dropped = bots_dropped WHERE id = ''");
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

  /** Processes until nothing is pending and makes it durable (shutdown, tests). */
  drain(): void {
    while (this.runOnce() > 0) {}
    this.sync();
  }

  /**
   * Makes every processed run durable, then marks its batches done. fsync flushes a
   * file's data whichever descriptor asks; frames already checkpointed out of the
   * WAL were synced into the database file by the checkpoint itself.
   */
  private sync(): void {
    const now = this.ctx.now();
    this.lastSync = now;
    if (!this.unconfirmed.length) return;
    try {
      const fd = openSync(`${this.ctx.store.path}-wal`, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const ids = this.unconfirmed;
    this.unconfirmed = [];
    this.markDone.run(now, JSON.stringify(ids));
    if (now - this.lastPurge > 15_000) {
      this.purgeDone.run(now - DONE_RETENTION_MS);
      this.lastPurge = now;
    }
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
      const batches = this.claim.all(this.lastClaimed, this.batchesPerRun);
      if (!batches.length) {
        // Idle: nothing will trigger a later sync, so confirm what is waiting now.
        if (this.unconfirmed.length) this.sync();
        return 0;
      }
      let parked: ParkedBatch[] = [];
      try {
        this.inTransaction(() => this.processAll(batches));
      } catch {
        this.processor.forget();
        parked = this.inTransaction(() => this.processOneByOne(batches));
      }
      this.lastClaimed = batches.at(-1)!.id;
      const parkedIds = new Set(parked.map((p) => p.id));
      this.unconfirmed.push(...batches.filter((b) => !parkedIds.has(b.id)).map((b) => b.id));
      for (const p of parked) this.markFailed.run(MAX_ATTEMPTS, p.error, p.id);
      if (this.ctx.now() - this.lastSync >= SYNC_INTERVAL_MS) this.sync();
      this.pending = Math.max(0, this.pending - batches.length);
      this.onProcessed(batches.length);
      return batches.length;
    } finally {
      this.running = false;
    }
  }

  private inTransaction<T>(fn: () => T): T {
    const sqlite = this.ctx.store.sqlite;
    const run = sqlite.transaction(() => {
      this.takeWriteLock.run();
      return fn();
    });
    return withoutFsync(sqlite, () => run());
  }

  /** The fast path: every batch in one transaction, no savepoints. */
  private processAll(batches: ClaimedBatch[]): void {
    this.processor.startRun();
    // Listeners hear the whole run at once: one savepoint per listener, not per batch.
    const run: BatchResult = { written: [], bots: 0, newContacts: [] };
    for (const batch of batches) {
      const result = this.processor.process(batch);
      for (const e of result.written) run.written.push(e);
      for (const c of result.newContacts) run.newContacts.push(c);
    }
    if (run.written.length || run.newContacts.length) this.notifyListeners(run);
  }

  /** The slow path after a failure: each batch in a savepoint, tried up to MAX_ATTEMPTS times. */
  private processOneByOne(batches: ClaimedBatch[]): ParkedBatch[] {
    const sqlite = this.ctx.store.sqlite;
    this.processor.startRun();
    const parked: ParkedBatch[] = [];
    for (const batch of batches) {
      for (let attempt = 1; ; attempt++) {
        try {
          sqlite.transaction(() => this.processOne(batch))();
          break;
        } catch (e) {
          this.processor.forget();
          const message = (e as Error).message ?? String(e);
          this.ctx.log(`ingest batch ${batch.id} failed (attempt ${attempt}/${MAX_ATTEMPTS}${attempt >= MAX_ATTEMPTS ? ", parked" : ""}): ${message}`);
          if (attempt >= MAX_ATTEMPTS) {
            parked.push({ id: batch.id, error: message });
            break;
          }
        }
      }
    }
    return parked;
  }

  private processOne(batch: ClaimedBatch): void {
    const result = this.processor.process(batch);
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
