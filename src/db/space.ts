// Disk space: how much of the database file is in use, and giving deleted pages back
// to the filesystem. New databases are made with auto_vacuum = INCREMENTAL (set before
// anything else touches the file: after journal_mode = WAL it no longer applies);
// older ones are switched by the storage layout migration (./layout/). Then pages that
// retention freed are returned a few megabytes at a time by reclaimFreePages, and the
// file shrinks at the next checkpoint.
import type { Database } from "bun:sqlite";

/** Pages per incremental_vacuum step: 8 MB of 4 KiB pages, a short write lock. */
const PAGES_PER_STEP = 2048;

export interface FileUse {
  pageSize: number;
  pages: number;
  freePages: number;
  /** 0 none, 1 full, 2 incremental. */
  autoVacuum: number;
}

const pragma = (sqlite: Database, name: string): number => Number(Object.values(sqlite.query(`PRAGMA ${name}`).get() as object)[0]);

export function fileUse(sqlite: Database): FileUse {
  return { pageSize: pragma(sqlite, "page_size"), pages: pragma(sqlite, "page_count"), freePages: pragma(sqlite, "freelist_count"), autoVacuum: pragma(sqlite, "auto_vacuum") };
}

/** Bytes the database holds, free pages not counted. */
export function usedBytes(use: FileUse): number {
  return (use.pages - use.freePages) * use.pageSize;
}

/** For a database file that does not exist yet: call before journal_mode = WAL. */
export function makeIncremental(sqlite: Database): void {
  sqlite.exec("PRAGMA auto_vacuum = INCREMENTAL");
}

/**
 * Gives free pages back to the filesystem in steps of PAGES_PER_STEP, pausing between
 * them so ingest and the readers get the write lock. A database not (yet) in incremental
 * mode is left alone. Returns the bytes given back.
 */
export async function reclaimFreePages(
  sqlite: Database,
  opts: { pauseMs?: number; stopped?: () => boolean; pagesPerStep?: number } = {},
): Promise<number> {
  const use = fileUse(sqlite);
  if (use.autoVacuum !== 2) return 0;
  let freed = 0;
  while (!opts.stopped?.()) {
    const before = pragma(sqlite, "freelist_count");
    if (!before) break;
    sqlite.exec(`PRAGMA incremental_vacuum(${opts.pagesPerStep ?? PAGES_PER_STEP})`);
    const after = pragma(sqlite, "freelist_count");
    if (after >= before) break;
    freed += (before - after) * use.pageSize;
    await Bun.sleep(opts.pauseMs ?? 5);
  }
  return freed;
}
