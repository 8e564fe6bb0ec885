// Takes pending batches in order and processes them, many per transaction. When a
// run fails, it is rolled back and redone batch by batch (savepoints), so only the
// failing batch is retried and, after MAX_ATTEMPTS, parked with its error.
//
// Runs are committed without an fsync of their own; every SYNC_INTERVAL_MS the main
// database's WAL is fsynced (off this thread), which makes every run before it durable.
// Only then are their batches removed from the queue, so a power loss can cost
// processing work (redone, idempotently) but never an acknowledged event.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { withoutFsync } from "../db/open";
import { syncWal, syncWalAsync } from "../db/wal-sync";
import { localQueueMarks, type QueueMarks } from "./queue-marks";
import { BatchProcessor, type BatchResult, type QueuedBatch } from "./process-batch";

export const MAX_ATTEMPTS = 5;
const SYNC_INTERVAL_MS = 250;
// New batches wait this long to be processed together: each commit writes every page it
// touched to the WAL, so a run of 1 batch costs several times more per event than a run of 50.
const GATHER_MS = 20;

type ClaimedBatch = QueuedBatch & { attempts: number };
type ParkedBatch = { id: number; error: string };

export interface WorkerOptions {
  /**
   * Batches per transaction. Sharing a thread with the HTTP server, small runs keep
   * the event loop free to answer requests between them; on its own thread, larger
   * runs write each index page to the WAL fewer times.
   */
  batchesPerRun?: number;
  /** Where done and parked batches are recorded; by default on this thread's queue connection. */
  marks?: QueueMarks;
  /**
   * Checkpoint the queue after confirming (the accept path never does, group-commit.ts).
   * Off when a checkpoint thread does it (src/db/checkpointer.ts).
   */
  checkpointQueue?: boolean;
}

export class IngestWorker {
  private processor: BatchProcessor;
  private claim;
  private marks: QueueMarks;
  private countPending;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = Infinity;
  private running = false;
  private lastSync = 0;
  private lastClaimed = 0;
  /** Processed in a commit that may not be durable yet: removed from the queue after the next fsync. */
  private unconfirmed: number[] = [];
  /** The batches the fsync in flight will confirm. */
  private syncingIds: number[] = [];
  private syncInFlight = false;
  /** Bumped by syncNow, so an fsync in flight that it overtook confirms nothing. */
  private syncGeneration = 0;
  private checkpointQueue;
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
    this.marks = options.marks ?? localQueueMarks(queue);
    this.checkpointQueue = options.checkpointQueue === false ? null : queue.prepare("PRAGMA wal_checkpoint(PASSIVE)");
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
    this.schedule(this.pending >= this.batchesPerRun ? 0 : GATHER_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Processes until nothing is pending and makes it durable (shutdown, tests). */
  drain(): void {
    while (this.runOnce() > 0) {}
    this.syncNow();
  }

  /**
   * Makes every processed run durable, then removes its batches from the queue. The fsync runs on
   * the I/O pool while processing goes on; runs committed meanwhile wait for the next.
   * Frames already checkpointed out of the WAL were synced into the database file by
   * the checkpoint itself.
   */
  private startSync(): void {
    this.lastSync = this.ctx.now();
    if (this.syncInFlight || !this.unconfirmed.length) return;
    const ids = this.unconfirmed;
    this.unconfirmed = [];
    this.syncInFlight = true;
    this.syncingIds = ids;
    const generation = this.syncGeneration;
    syncWalAsync(this.ctx.store.path).then(
      () => {
        if (generation === this.syncGeneration && !this.ctx.stopping) this.confirm(ids);
      },
      (e) => {
        if (generation !== this.syncGeneration) return;
        this.ctx.log(`ingest: fsync of the database failed, will retry: ${(e as Error).message}`);
        this.unconfirmed.unshift(...ids);
      },
    ).finally(() => {
      if (generation !== this.syncGeneration) return;
      this.syncInFlight = false;
      this.syncingIds = [];
    });
  }

  /** The same on this thread: on shutdown and in tests, after the last run. */
  private syncNow(): void {
    this.syncGeneration++;
    this.lastSync = this.ctx.now();
    // Batches of an fsync still in flight are covered by this one too.
    const ids = this.unconfirmed.concat(this.syncingIds);
    this.unconfirmed = [];
    this.syncingIds = [];
    this.syncInFlight = false;
    if (!ids.length) return;
    syncWal(this.ctx.store.path);
    this.confirm(ids);
  }

  private confirm(ids: number[]): void {
    this.marks.done(ids);
    // A passive checkpoint takes no write lock, so it never holds up an acknowledgement.
    this.checkpointQueue?.run();
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
      this.schedule(n >= this.batchesPerRun ? 0 : n > 0 ? GATHER_MS : 1000);
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
        if (this.unconfirmed.length) this.startSync();
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
      for (const p of parked) this.marks.parked(p.id, MAX_ATTEMPTS, p.error);
      if (this.ctx.now() - this.lastSync >= SYNC_INTERVAL_MS) this.startSync();
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
