// Called by a database's writer between two of its transactions. The checkpoint thread
// copies the WAL beside the writer, but a WAL can only start over when a checkpoint
// has copied all of it, and a writer that never pauses keeps appending first: the WAL
// grows with everything written. Past WAL_RESET_BYTES the writer therefore checkpoints
// itself (most of the copy is done already) and empties the WAL, waiting for readers
// at most waitMs; readers that take longer leave it for the next call.
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { WAL_BOUND_BYTES, WAL_RESET_BYTES } from "./wal-bound";

/** The busy_timeout every connection of Aurea's uses (open.ts, queue-db.ts). */
const BUSY_TIMEOUT_MS = 5000;
/** Past this, a reset waits up to URGENT_WAIT_MS for the checkpoint thread and readers. */
const WAL_URGENT_BYTES = (WAL_BOUND_BYTES * 3) / 4;
const URGENT_WAIT_MS = 2000;
const RETRY_MS = 5;

export function walSizeOf(db: Database): number {
  return statSync(`${db.filename}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * True when the WAL was emptied. Throws what is not a lock held too long (a full disk...).
 * A checkpoint already running (the checkpoint thread's) makes SQLite give up at once,
 * without waiting: so it is tried again every few ms until waitMs, and for longer once
 * the WAL nears its bound, where pausing this writer is better than growing further.
 */
export function resetWalIfLarge(db: Database, resetBytes = WAL_RESET_BYTES, waitMs = 250, retry = true): boolean {
  const size = walSizeOf(db);
  if (size <= resetBytes) return false;
  if (!retry) return resetOnce(db, waitMs);
  const deadline = performance.now() + (size >= WAL_URGENT_BYTES ? Math.max(waitMs, URGENT_WAIT_MS) : waitMs);
  db.exec(`PRAGMA busy_timeout = ${waitMs}`);
  try {
    for (;;) {
      if (truncate(db)) return true;
      if (performance.now() >= deadline) return false;
      Bun.sleepSync(RETRY_MS);
    }
  } finally {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** One try, waiting for readers at most waitMs (the HTTP thread: it must not sleep). */
function resetOnce(db: Database, waitMs: number): boolean {
  db.exec(`PRAGMA busy_timeout = ${waitMs}`);
  try {
    return truncate(db);
  } finally {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

function truncate(db: Database): boolean {
  try {
    return db.query<{ busy: number }, []>("PRAGMA wal_checkpoint(TRUNCATE)").get()?.busy === 0;
  } catch (e) {
    if (/^SQLITE_(BUSY|LOCKED)/.test((e as { code?: string }).code ?? "")) return false;
    throw e;
  }
}
