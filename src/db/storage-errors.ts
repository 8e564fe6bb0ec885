// Which errors come from the disk rather than from the work being done: a full disk,
// an I/O error, a file that became read-only or unreadable. Work that fails with one
// of these is not at fault: it is retried as it is, never parked, and callers answer
// 503 (try again later) rather than 500 or 400.
import { SQLiteError } from "bun:sqlite";

export type StorageFault = "storage_full" | "storage_error";

const FULL = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT"]);
const BROKEN = /^(SQLITE_IOERR|SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_CORRUPT|SQLITE_NOTADB|SQLITE_PROTOCOL)|^(EIO|EROFS|ENXIO|ESTALE)$/;

function codeOf(e: unknown): string {
  if (e instanceof SQLiteError) return e.code ?? "";
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** storage_full, storage_error, or null when the error is not the disk's. */
export function storageFault(e: unknown): StorageFault | null {
  const code = codeOf(e);
  if (FULL.has(code)) return "storage_full";
  if (BROKEN.test(code)) return "storage_error";
  return null;
}

/** The disk's fault, or a lock held too long by another connection: retry later, unchanged. */
export function isTransient(e: unknown): boolean {
  return storageFault(e) !== null || /^SQLITE_(BUSY|LOCKED)/.test(codeOf(e));
}
