// What the worker records about batches in the queue: done batches are deleted (their
// events are durable in the main database, and with them the request's IP and user
// agent leave the disk); failing ones are parked with their error. With a processing
// thread, these writes are sent to the HTTP thread and made on its own queue
// connection: a second writer on the queue file would make the accept path wait for
// the write lock (SQLite's busy handler sleeps in steps of up to 100 ms).
import type { Database } from "bun:sqlite";
import { WAL_RESET_BYTES } from "../db/wal-bound";
import { resetWalIfLarge, walSizeOf } from "../db/wal-reset";
import type { StorageFaults } from "../ops/faults";

export interface QueueMarks {
  done(ids: number[]): void;
  parked(id: number, attempts: number, error: string): void;
}

const RESET_RETRY_MS = 10;
const RESET_TRIES = 20;

export function localQueueMarks(queue: Database): QueueMarks {
  // A delete, not an update to a "done" status: it rewrites no 3 KB row (5× cheaper).
  const remove = queue.prepare("DELETE FROM ingest_batches WHERE id IN (SELECT value FROM json_each(?))");
  // A high-water mark that outlives the rows: if aurea.db later lacks these batches, its
  // WAL was lost (files-check.ts).
  const confirm = queue.prepare("UPDATE queue_marks SET confirmed_max = max(confirmed_max, ?) WHERE id = 1");
  const removeAll = queue.transaction((ids: number[]) => {
    remove.run(JSON.stringify(ids));
    confirm.run(Math.max(...ids));
  });
  const markParked = queue.prepare(
    "UPDATE ingest_batches SET status = 'parked', attempts = ?, error = ?, ip = NULL, user_agent = NULL WHERE id = ?",
  );
  // The queue's writer is this connection: between two writes is when it can let the
  // queue's WAL start over (wal-reset.ts). This may be the HTTP thread, which must not
  // sleep: a reset that found the checkpoint thread checkpointing is tried again a few
  // ms later, on a timer. An error is left for the next marks to meet and report.
  let retry: ReturnType<typeof setTimeout> | null = null;
  const resetLater = (triesLeft: number) => {
    if (retry || triesLeft <= 0 || walSizeOf(queue) <= WAL_RESET_BYTES) return;
    retry = setTimeout(() => {
      retry = null;
      try {
        // No wait for readers here: a retry must never hold up an answer.
        if (!resetWalIfLarge(queue, undefined, 0, false)) resetLater(triesLeft - 1);
      } catch {
        // the next done() tries again and reports
      }
    }, RESET_RETRY_MS);
    retry.unref?.();
  };
  return {
    done(ids) {
      if (ids.length) removeAll(ids);
      if (!resetWalIfLarge(queue, undefined, undefined, false)) resetLater(RESET_TRIES);
    },
    parked(id, attempts, error) {
      markParked.run(attempts, error, id);
    },
  };
}

/**
 * Marks that survive a failing queue write (a full disk): what could not be written is
 * kept and written with the next marks, or by a retry a second later. Until then those
 * batches only look pending; they are never processed twice in this run.
 */
export function retryingMarks(inner: QueueMarks, faults: StorageFaults, where: string): QueueMarks {
  let done: number[] = [];
  let parked: { id: number; attempts: number; error: string }[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    try {
      if (done.length) {
        inner.done(done);
        done = [];
      }
      while (parked.length) {
        const p = parked[0];
        inner.parked(p.id, p.attempts, p.error);
        parked.shift();
      }
      faults.recovered(where);
    } catch (e) {
      faults.record(where, e) ?? faults.note({ where, fault: "storage_error", message: (e as Error).message, at: Date.now() });
      timer ??= setTimeout(() => {
        timer = null;
        flush();
      }, 1000);
      timer.unref?.();
    }
  };
  return {
    done(ids) {
      for (const id of ids) done.push(id);
      flush();
    },
    parked(id, attempts, error) {
      parked.push({ id, attempts, error });
      flush();
    },
  };
}
