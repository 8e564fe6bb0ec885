// A processing run for an event store over the network (ClickHouse; the
// StagedEventWriter of src/store/event-writer.ts). Its SQLite changes (contacts, funnels,
// what listeners enqueue) commit only after the store acknowledged the run's rows, so
// that a run the store did not take is rolled back whole and its batches stay queued;
// they leave the queue after that commit is fsynced (worker.ts), as with SQLite.
//
// The SQLite transaction stays open while the rows travel: only the processing thread
// uses this connection, and other writers wait at most the store's request timeout
// (the busy timeout covers it). A crash after the store acknowledged and before the
// commit redoes the run: its events are found stored and count as duplicates.
import type { Database } from "bun:sqlite";
import { isTransient } from "../db/storage-errors";
import { EventStoreUnavailable, type StagedEventWriter } from "../store/event-writer";
import type { PreparedBatch, QueuedBatch } from "./process-batch";
import { MAX_ATTEMPTS, type ClaimedBatch, type ParkedBatch, type RunTally } from "./worker";

export interface StagedRunner {
  sqlite: Database;
  staged: StagedEventWriter;
  claim(): ClaimedBatch[];
  prepare(batch: QueuedBatch): PreparedBatch;
  takeWriteLock(lastBatchId: number): void;
  write(prepared: PreparedBatch[], tally: RunTally): void;
  forget(): void;
  log(line: string): void;
  /** Nothing to process: confirm what waits. */
  idle(): void;
  finish(batches: ClaimedBatch[], parked: ParkedBatch[], tally: RunTally, started: number): void;
}

/** Processes the next run; returns its number of batches (0: idle). Throws when the run should be redone as it is. */
export async function runStagedBatches(r: StagedRunner): Promise<number> {
  const batches = r.claim();
  if (!batches.length) {
    r.idle();
    return 0;
  }
  const tally: RunTally = { processed: 0, bots: 0, duplicates: 0 };
  const started = performance.now();
  let parked: ParkedBatch[] = [];
  try {
    await stagedRun(r, batches.map((b) => r.prepare(b)), batches.at(-1)!.id, tally);
  } catch (e) {
    r.forget();
    // The store or the disk, not a batch: redo the whole run later, unchanged.
    if (e instanceof EventStoreUnavailable || isTransient(e)) throw e;
    tally.processed = tally.bots = tally.duplicates = 0;
    parked = await oneByOne(r, batches, tally);
  }
  r.finish(batches, parked, tally, started);
  return batches.length;
}

/** Looks up, decides and stages inside a SQLite transaction, sends, then commits. */
async function stagedRun(r: StagedRunner, prepared: PreparedBatch[], lastBatchId: number, tally: RunTally): Promise<void> {
  await r.staged.load(prepared.map((p) => p.batch));
  const { sqlite } = r;
  // Not fsynced on its own: the worker's next WAL fsync makes it durable before the batches leave the queue.
  sqlite.exec("PRAGMA synchronous = NORMAL");
  try {
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      r.takeWriteLock(lastBatchId);
      r.write(prepared, tally);
      await r.staged.send();
      sqlite.exec("COMMIT");
    } catch (e) {
      try {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      } catch {
        // SQLite rolled it back itself
      }
      throw e;
    }
  } finally {
    sqlite.exec("PRAGMA synchronous = FULL");
  }
}

/** After a run failed on its data: each batch alone, up to MAX_ATTEMPTS times, then parked. */
async function oneByOne(r: StagedRunner, batches: ClaimedBatch[], tally: RunTally): Promise<ParkedBatch[]> {
  const parked: ParkedBatch[] = [];
  for (const batch of batches) {
    for (let attempt = 1; ; attempt++) {
      try {
        await stagedRun(r, [r.prepare(batch)], batch.id, tally);
        break;
      } catch (e) {
        r.forget();
        if (e instanceof EventStoreUnavailable || isTransient(e)) throw e; // never park a batch for the store's fault
        const message = (e as Error).message ?? String(e);
        r.log(`ingest batch ${batch.id} failed (attempt ${attempt}/${MAX_ATTEMPTS}${attempt >= MAX_ATTEMPTS ? ", parked" : ""}): ${message}`);
        if (attempt >= MAX_ATTEMPTS) {
          parked.push({ id: batch.id, error: message });
          break;
        }
      }
    }
  }
  return parked;
}
