// Makes processed runs durable, then removes their batches from the queue. Runs are
// committed without an fsync of their own; every SYNC_INTERVAL_MS the main database's
// WAL is fsynced (off this thread), which makes every run before it durable. Only then
// are their batches marked done, so a power loss can cost processing work (redone,
// idempotently) but never an acknowledged event.
import type { Statement } from "bun:sqlite";
import type { AppContext } from "../context";
import { syncWal, syncWalAsync } from "../db/wal-sync";
import type { QueueMarks } from "./queue-marks";

const SYNC_INTERVAL_MS = 250;

export class RunConfirmer {
  private lastSync = 0;
  /** Batches of committed runs not yet covered by an fsync. */
  private unconfirmed: number[] = [];
  /** Batches whose fsync is in flight. */
  private syncingIds: number[] = [];
  private syncInFlight = false;
  /** Bumped by syncNow, so an fsync in flight that it overtook confirms nothing. */
  private syncGeneration = 0;

  constructor(
    private ctx: AppContext,
    private marks: QueueMarks,
    private checkpointQueue: Statement | null,
  ) {}

  /** A run committed these batches; an fsync starts when the last one is old enough. */
  committed(ids: number[]): void {
    this.unconfirmed.push(...ids);
    if (this.ctx.now() - this.lastSync >= SYNC_INTERVAL_MS) this.startSync();
  }

  /** Nothing else to do: make what is waiting durable now (off this thread). */
  idle(): void {
    if (this.unconfirmed.length) this.startSync();
  }

  /** On shutdown and in tests, after the last run: the same on this thread, errors logged. */
  final(): void {
    try {
      this.syncNow();
    } catch (e) {
      if (!this.ctx.ops.faults.record("processing", e)) this.ctx.log(`processing: final fsync failed: ${(e as Error).message}`);
    }
  }

  /**
   * The fsync runs on the I/O pool while processing goes on; runs committed meanwhile wait
   * for the next. Frames already checkpointed out of the WAL were synced into the database
   * file by the checkpoint itself.
   */
  private startSync(): void {
    this.lastSync = this.ctx.now();
    if (this.syncInFlight || !this.unconfirmed.length) return;
    const ids = this.unconfirmed;
    this.unconfirmed = [];
    this.syncInFlight = true;
    this.syncingIds = ids;
    const generation = this.syncGeneration;
    const started = performance.now();
    syncWalAsync(this.ctx.store.path).then(
      () => {
        this.ctx.ops.metrics.processingFsync.observe((performance.now() - started) / 1000);
        if (generation === this.syncGeneration && !this.ctx.stopping) this.confirm(ids);
      },
      (e) => {
        if (generation !== this.syncGeneration) return;
        if (!this.ctx.ops.faults.record("processing", e)) this.ctx.log(`processing: fsync of the database failed, will retry: ${(e as Error).message}`);
        this.unconfirmed.unshift(...ids);
      },
    ).finally(() => {
      if (generation !== this.syncGeneration) return;
      this.syncInFlight = false;
      this.syncingIds = [];
    });
  }

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
    try {
      // A passive checkpoint takes no write lock, so it never holds up an acknowledgement.
      this.checkpointQueue?.run();
    } catch (e) {
      this.ctx.ops.faults.record("checkpoint", e); // the next confirmation tries again
    }
  }
}
