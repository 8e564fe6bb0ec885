// Takes pending batches in order and processes them, many per transaction. When a
// run fails, it is rolled back and redone batch by batch (savepoints), so only the
// failing batch is retried and, after MAX_ATTEMPTS, parked with its error.
// Runs are committed without an fsync of their own; ./run-confirmer.ts removes their
// batches from the queue once an fsync made them durable.
//
// Nothing stops the worker: a run that fails on the disk (full, I/O error) or on a
// lock is rolled back and retried as it is, with a growing pause, and never parks a
// batch (the batch is not at fault); the error is logged once, the recovery too.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import { withoutFsync } from "../db/open";
import { isTransient } from "../db/storage-errors";
import { resetWalIfLarge } from "../db/wal-reset";
import { localQueueMarks, retryingMarks, type QueueMarks } from "./queue-marks";
import { EventStoreUnavailable, type AppliedRun, type EventWriter, type StagedEventWriter } from "../store/event-writer";
import { SqliteEventWriter } from "../store/sqlite/writer/event-writer";
import { BatchProcessor, type PreparedBatch, type QueuedBatch } from "./process-batch";
import { RunConfirmer } from "./run-confirmer";
import { runStagedBatches, type StagedRunner } from "./staged-run";

export const MAX_ATTEMPTS = 5;
// New batches wait this long to be processed together: each commit writes every page it
// touched to the WAL, so a run of 1 batch costs several times more per event than a run of 50.
const GATHER_MS = 20;
/**
 * A run stops taking batches once their payloads reach this: a run's batches, parsed and
 * enriched, stay in memory until it commits. 1,000 server-side batches of 500 events were
 * 200 MB of payload and a processing heap of 130–190 MiB (docs/performance.md, "Memory").
 * 500 SDK batches of 10 events are about 2 MB: a commit of 5,000 events still costs
 * little per event, and 2 MB instead of 4 took about 15 MiB off a burst's peak at the
 * same CPU per event ("The burst's memory (stop 24)").
 */
export const RUN_PAYLOAD_BYTES = 2 * 2 ** 20;
/** Pause after a failed run: doubles from the first to the last. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

export type ClaimedBatch = QueuedBatch & { attempts: number };
export type ParkedBatch = { id: number; error: string };
export type RunTally = { processed: number; bots: number; duplicates: number };

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
  /** Where processed events go; by default the SQLite event store on ctx.store.sqlite. */
  writer?: EventWriter;
  /**
   * An event store over the network (ClickHouse): runs are async, each sent before its
   * SQLite transaction commits (staged-run.ts). Only on the processing thread, whose
   * connection nothing else uses while a run waits for the store.
   */
  staged?: StagedEventWriter;
  /** Wait this long gathering new batches into one run (the staged store prefers few large inserts). */
  gatherMs?: number;
  /** Payload bytes per run (RUN_PAYLOAD_BYTES); a run takes one batch at least. */
  runPayloadBytes?: number;
}

export class IngestWorker {
  private processor: BatchProcessor;
  private writer: EventWriter;
  private staged: StagedEventWriter | null;
  /** The staged run in flight, if any. */
  private inFlight: Promise<number> | null = null;
  private gatherMs: number;
  private claim;
  private marks: QueueMarks;
  private countPending;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = Infinity;
  private stopped = false;
  private running = false;
  private lastClaimed = 0;
  private confirmer: RunConfirmer;
  private takeWriteLock;
  private batchesPerRun: number;
  private runPayloadBytes: number;
  /** The last run took all it could: more is likely waiting, so the next starts at once. */
  private runFull = false;
  /** Pause before the next run after a failure; 0 while runs succeed. */
  private retryMs = 0;
  /** Batches per staged run: halved after each failed run (a slow server times out on smaller inserts less), doubled back after each good one. */
  private stagedRunSize: number;
  private backlog = false;
  /** Errors other than storage faults already logged since the last good run. */
  private loggedErrors = new Set<string>();
  pending: number;
  /** Called after each run with how many batches left the pending state. */
  onProcessed: (count: number) => void = () => {};

  constructor(
    private ctx: AppContext,
    options: WorkerOptions = {},
  ) {
    this.batchesPerRun = options.batchesPerRun ?? 50;
    this.runPayloadBytes = options.runPayloadBytes ?? RUN_PAYLOAD_BYTES;
    const sqlite: Database = ctx.store.sqlite;
    const queue: Database = ctx.store.queue;
    this.processor = new BatchProcessor(sqlite, (ip) => ctx.geo.lookup(ip));
    this.writer = options.writer ?? new SqliteEventWriter(sqlite);
    this.staged = options.staged ?? null;
    this.gatherMs = options.gatherMs ?? GATHER_MS;
    this.stagedRunSize = this.batchesPerRun;
    this.claim = queue.prepare<ClaimedBatch, [number, number]>(
      `SELECT id, funnel_id AS funnelId, key_kind AS keyKind, received_at AS receivedAt, ip, user_agent AS userAgent,
        payload, attempts FROM ingest_batches WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?`,
    );
    this.marks = options.marks ?? retryingMarks(localQueueMarks(queue), ctx.ops.faults, "queue");
    this.confirmer = new RunConfirmer(ctx, this.marks, options.checkpointQueue === false ? null : queue.prepare("PRAGMA wal_checkpoint(PASSIVE)"));
    this.countPending = queue.prepare<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches WHERE status = 'pending'");
    // The first statement of a run is a write, so it takes the write lock (with
    // busy_timeout) at the start and never fails upgrading a read to a write. It records
    // the run's last batch id, which a start compares with the queue's (files-check.ts).
    this.takeWriteLock = sqlite.prepare<unknown, [number]>("UPDATE pipeline_marks SET last_batch_id = max(last_batch_id, ?) WHERE id = 1");
    this.pending = this.countPending.get()!.n;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** New batches were committed: process them soon. */
  notify(count: number): void {
    this.pending += count;
    this.schedule(this.pending >= this.batchesPerRun ? 0 : this.gatherMs);
  }

  /** No run is scheduled until start(), not even for batches committed meanwhile. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Processes until nothing is pending (or, given a deadline, until then) and makes it
   * durable (shutdown, tests). What is left stays queued for the next start.
   */
  drain(deadline = Infinity): void {
    while (Date.now() < deadline && this.runOnce() > 0) {}
    this.confirmer.final();
  }

  /** Runs at most once per timer; an earlier request replaces a later one (the idle poll). */
  private schedule(delayMs: number): void {
    if (this.ctx.stopping || this.stopped) return;
    const due = Date.now() + delayMs;
    if (this.timer) {
      if (due >= this.dueAt) return;
      clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = setTimeout(async () => {
      this.timer = null;
      this.dueAt = Infinity;
      const n = this.staged ? await this.runOnceAsync() : this.runOnce();
      // More may be waiting: go on after giving the event loop a turn; else idle-poll.
      if (this.retryMs) this.schedule(this.retryMs);
      else this.schedule((n > 0 && this.runFull) || (this.staged && this.backlog) ? 0 : n > 0 ? this.gatherMs : 1000);
    }, delayMs);
  }

  /** Returns how many batches it processed; 0 when idle or when the run failed (see retryMs). */
  runOnce(): number {
    if (this.running) return 0;
    if (this.staged) throw new Error("a staged event store runs with runOnceAsync()");
    this.running = true;
    try {
      return this.succeeded(this.runBatches());
    } catch (e) {
      this.failed(e);
      return 0;
    } finally {
      this.running = false;
    }
  }

  /** runOnce for a staged event store (ClickHouse). */
  runOnceAsync(): Promise<number> {
    if (this.running) return Promise.resolve(0);
    this.running = true;
    this.inFlight = (async () => {
      try {
        const limit = this.stagedRunSize;
        const n = await runStagedBatches(this.stagedRunner());
        this.backlog = n >= limit || (n > 0 && this.runFull); // more waits: no gathering pause before the next run
        this.stagedRunSize = Math.min(this.batchesPerRun, this.stagedRunSize * 2);
        return this.succeeded(n);
      } catch (e) {
        this.stagedRunSize = Math.max(1, Math.floor(this.stagedRunSize / 2));
        this.failed(e);
        return 0;
      } finally {
        this.running = false;
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** drain() for a staged event store: lets a run in flight finish first. */
  async drainAsync(deadline = Infinity): Promise<void> {
    if (this.inFlight) await this.inFlight;
    while (Date.now() < deadline && (await this.runOnceAsync()) > 0) {}
    this.confirmer.final();
  }

  private succeeded(n: number): number {
    if (n) this.keepWalBounded();
    this.retryMs = 0;
    this.loggedErrors.clear();
    this.ctx.ops.processing.lastRunAt = this.ctx.now();
    this.ctx.ops.processing.fault = null;
    this.ctx.ops.faults.recovered("processing");
    return n;
  }

  /** What a staged run needs of this worker (staged-run.ts). */
  private stagedRunner(): StagedRunner {
    return {
      sqlite: this.ctx.store.sqlite,
      staged: this.staged!,
      claim: () => this.claimRun(this.stagedRunSize),
      prepare: (batch) => this.processor.prepare(batch),
      takeWriteLock: (lastBatchId) => this.takeWriteLock.run(lastBatchId),
      write: (prepared, tally) => this.write(prepared, tally),
      forget: () => this.forget(),
      log: this.ctx.log,
      idle: () => this.confirmer.idle(),
      finish: (batches, parked, tally, started) => this.finishRun(batches, parked, tally, started),
    };
  }

  /** The next pending batches: at most `limit`, and no more once their payloads (characters, about bytes) reach runPayloadBytes. */
  private claimRun(limit: number): ClaimedBatch[] {
    const batches: ClaimedBatch[] = [];
    let bytes = 0;
    for (const b of this.claim.iterate(this.lastClaimed, limit)) {
      batches.push(b);
      bytes += b.payload.length;
      if (bytes >= this.runPayloadBytes) break;
    }
    this.runFull = batches.length >= limit || bytes >= this.runPayloadBytes;
    return batches;
  }

  /** Between two runs, the only moment this writer can let its WAL start over (wal-reset.ts). */
  private keepWalBounded(): void {
    try {
      resetWalIfLarge(this.ctx.store.sqlite);
    } catch (e) {
      if (!this.ctx.ops.faults.record("checkpoint", e)) this.ctx.log(`processing: resetting the WAL failed: ${(e as Error).message}`);
    }
  }

  /** A run failed as a whole: nothing of it was kept; it is redone after a pause. */
  private failed(e: unknown): void {
    this.forget();
    const sqlite = this.ctx.store.sqlite;
    try {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    } catch {
      // SQLite rolled it back itself
    }
    this.retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, this.retryMs * 2));
    // Shown by /healthz and the dashboard from the store's own health (event-writer.ts); logged once per message.
    if (e instanceof EventStoreUnavailable) {
      if (!this.loggedErrors.has(e.message)) this.ctx.log(`processing: ${e.message}; batches stay queued and are retried`);
      this.loggedErrors.add(e.message);
      return;
    }
    const fault = this.ctx.ops.faults.record("processing", e);
    this.ctx.ops.processing.fault = fault ? this.ctx.ops.faults.last : null;
    if (fault) return;
    const message = (e as Error).message ?? String(e);
    if (this.loggedErrors.has(message)) return;
    this.loggedErrors.add(message);
    this.ctx.log(`processing: a run failed, retrying: ${(e as Error).stack ?? message}`);
  }

  private runBatches(): number {
    const batches = this.claimRun(this.batchesPerRun);
    if (!batches.length) {
      // Idle: nothing will trigger a later sync, so confirm what is waiting now.
      this.confirmer.idle();
      return 0;
    }
    const tally: RunTally = { processed: 0, bots: 0, duplicates: 0 };
    let parked: ParkedBatch[] = [];
    const started = performance.now();
    try {
      // Enrichment is pure: done before the write lock is taken, so the lock is held for writing only.
      const prepared = batches.map((batch) => this.processor.prepare(batch));
      this.inTransaction(batches.at(-1)!.id, () => this.write(prepared, tally)); // the fast path: no savepoints
    } catch (e) {
      this.forget();
      // The disk or a lock, not a batch: redo the whole run later, unchanged.
      if (isTransient(e)) throw e;
      tally.processed = tally.bots = tally.duplicates = 0;
      parked = this.inTransaction(batches.at(-1)!.id, () => this.processOneByOne(batches, tally));
    }
    this.finishRun(batches, parked, tally, started);
    return batches.length;
  }

  /** After a run committed: counters, the batches to confirm or park, the next fsync. */
  private finishRun(batches: ClaimedBatch[], parked: ParkedBatch[], tally: RunTally, started: number): void {
    const metrics = this.ctx.ops.metrics;
    metrics.processingCommit.observe((performance.now() - started) / 1000);
    metrics.eventsProcessed.inc(undefined, tally.processed);
    if (tally.bots) metrics.eventsDropped.inc({ reason: "bot" }, tally.bots);
    if (tally.duplicates) metrics.eventsDropped.inc({ reason: "duplicate" }, tally.duplicates);
    this.lastClaimed = batches.at(-1)!.id;
    const parkedIds = new Set(parked.map((p) => p.id));
    for (const p of parked) this.marks.parked(p.id, MAX_ATTEMPTS, p.error);
    this.confirmer.committed(batches.filter((b) => !parkedIds.has(b.id)).map((b) => b.id));
    this.pending = Math.max(0, this.pending - batches.length);
    this.onProcessed(batches.length);
  }

  private inTransaction<T>(lastBatchId: number, fn: () => T): T {
    const sqlite = this.ctx.store.sqlite;
    const run = sqlite.transaction(() => {
      this.takeWriteLock.run(lastBatchId);
      return fn();
    });
    return withoutFsync(sqlite, () => run());
  }

  /** After a rollback, nothing remembered during the run may be trusted. */
  private forget(): void {
    this.processor.forget();
    this.writer.rolledBack();
    this.staged?.rolledBack();
  }

  /** Writes enriched batches, records on the funnels, then lets listeners hear the whole run at once. */
  private write(prepared: PreparedBatch[], tally: RunTally): void {
    const run = (this.staged ?? this.writer).apply(prepared.map((p) => p.batch));
    this.processor.record(prepared, run.written);
    tally.processed += run.written.length;
    tally.duplicates += run.duplicates;
    for (const p of prepared) tally.bots += p.bots;
    if (run.written.length || run.newContacts.length) this.notifyListeners(run);
  }

  /** The slow path after a failure: each batch in a savepoint, tried up to MAX_ATTEMPTS times. */
  private processOneByOne(batches: ClaimedBatch[], tally: RunTally): ParkedBatch[] {
    const sqlite = this.ctx.store.sqlite;
    const parked: ParkedBatch[] = [];
    for (const batch of batches) {
      for (let attempt = 1; ; attempt++) {
        try {
          sqlite.transaction(() => this.write([this.processor.prepare(batch)], tally))();
          break;
        } catch (e) {
          this.forget();
          if (isTransient(e)) throw e; // never park a batch for the disk's fault
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

  /** Listener bugs must not stop ingestion: they are logged and the events still land. */
  private notifyListeners(result: AppliedRun): void {
    for (const listener of this.ctx.eventListeners) {
      try {
        this.ctx.store.sqlite.transaction(() => listener(result.written, { newContacts: result.newContacts }))();
      } catch (e) {
        this.ctx.log(`event listener failed: ${(e as Error).stack ?? e}`);
      }
    }
  }
}
