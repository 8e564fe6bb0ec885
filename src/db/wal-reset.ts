// Called by a database's writer between two of its transactions. The checkpoint thread
// copies the WAL beside the writer, but a WAL can only start over when a checkpoint
// has copied all of it, and a writer that never pauses keeps appending first: the WAL
// grows with everything written. Past WAL_RESET_BYTES the writer therefore checkpoints
// itself (most of the copy is done already) and empties the WAL, waiting for readers
// at most waitMs; readers that take longer leave it for the next call.
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { WAL_RESET_BYTES } from "./wal-bound";

/** The busy_timeout every connection of Aurea's uses (open.ts, queue-db.ts). */
const BUSY_TIMEOUT_MS = 5000;

export function walSizeOf(db: Database): number {
  return statSync(`${db.filename}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

/** True when the WAL was emptied. Throws what is not a lock held too long (a full disk...). */
export function resetWalIfLarge(db: Database, resetBytes = WAL_RESET_BYTES, waitMs = 250): boolean {
  if (walSizeOf(db) <= resetBytes) return false;
  db.exec(`PRAGMA busy_timeout = ${waitMs}`);
  try {
    const r = db.query<{ busy: number }, []>("PRAGMA wal_checkpoint(TRUNCATE)").get();
    return r?.busy === 0;
  } catch (e) {
    if (/^SQLITE_(BUSY|LOCKED)/.test((e as { code?: string }).code ?? "")) return false;
    throw e;
  } finally {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
