// The storage layout steps, oldest first. Unlike a drizzle migration (one transaction,
// fine for DDL), a step may rewrite a large file: it works in chunks, each committed
// together with its cursor (save), so a crash resumes after the last committed chunk;
// it reports progress, and the runner (./run.ts) takes a backup before the first one.
// A step that is one statement (VACUUM) is redone from the start after a crash, which
// SQLite makes safe: the interrupted statement left nothing behind.
import type { Database } from "bun:sqlite";
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import { fileUse } from "../space";
import { copyByRowRanges } from "./chunks";

export interface StepContext {
  /** What the step saved with its last committed chunk; null on its first run. */
  state: unknown;
  /** Records the cursor; call inside the chunk's transaction. */
  save(state: unknown): void;
  /** How far the step is (rows, pages…): printed now and then for large files. */
  progress(done: number, total: number): void;
  log(line: string): void;
}

export interface LayoutStep {
  id: string;
  /** What the log says while it runs. */
  describe: string;
  /**
   * The code after it needs it done: a failure stops the start. Otherwise (a compaction)
   * a failure is logged and the step retried at the next start.
   */
  required: boolean;
  /** False when this database does not need the step (made in the new layout). */
  needed(sqlite: Database): boolean;
  /** Returns false to stay pending (retried at the next start), e.g. for lack of disk space. */
  run(sqlite: Database, ctx: StepContext): boolean;
}

/** VACUUM writes a new copy of the file (a temporary file, then the WAL): leave room for both. */
const VACUUM_ROOM = 2.2;

export const incrementalAutoVacuum: LayoutStep = {
  id: "incremental-auto-vacuum",
  required: false,
  describe: "switching to incremental auto-vacuum, so that deleted data gives its space back (one VACUUM; about a minute per GB)",
  needed: (sqlite) => fileUse(sqlite).autoVacuum !== 2,
  run(sqlite, ctx) {
    const use = fileUse(sqlite);
    const bytes = use.pages * use.pageSize;
    const free = freeDisk(sqlite);
    if (free !== null && free < bytes * VACUUM_ROOM) {
      ctx.log(`aurea: storage layout: not enough free disk for the VACUUM (${mb(free)} free, ${mb(bytes * VACUUM_ROOM)} needed); the old layout keeps working, retried at the next start`);
      return false;
    }
    sqlite.exec("PRAGMA auto_vacuum = INCREMENTAL");
    sqlite.exec("VACUUM");
    sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const after = fileUse(sqlite);
    ctx.log(`aurea: storage layout: compacted ${mb(bytes)} to ${mb(after.pages * after.pageSize)}`);
    return true;
  },
};

/** A lowercase UUID stored as text (src/store/sqlite/event-id.ts stores new ones as 16 bytes). GLOB is case-sensitive. */
const TEXT_UUID_ID = `typeof(id) = 'text' AND length(id) = 36 AND id GLOB '${"[0-9a-f]".repeat(8)}-${"[0-9a-f]".repeat(4)}-${"[0-9a-f]".repeat(4)}-${"[0-9a-f]".repeat(4)}-${"[0-9a-f]".repeat(12)}'`;

export const compactEventIds: LayoutStep = {
  id: "event-ids-16-bytes",
  describe: "storing event ids of UUID form as 16 bytes instead of 36 characters",
  // The writer now looks ids up in their new form: an old text id would not catch a retry.
  required: true,
  needed: (sqlite) => sqlite.query(`SELECT 1 AS x FROM events WHERE ${TEXT_UUID_ID} LIMIT 1`).get() !== null,
  run(sqlite, ctx) {
    copyByRowRanges(sqlite, ctx, {
      maxSql: "SELECT max(row_id) AS n FROM events",
      rangeSql: `UPDATE events SET id = unhex(replace(id, '-', '')) WHERE row_id > ?1 AND row_id <= ?2 AND ${TEXT_UUID_ID}`,
      chunk: 20_000,
    });
    return true;
  },
};

/** In order: the VACUUM last, so that it packs the pages the rewrites before it left half empty. */
export const LAYOUT_STEPS: LayoutStep[] = [compactEventIds, incrementalAutoVacuum];

function freeDisk(sqlite: Database): number | null {
  try {
    const s = statfsSync(dirname(sqlite.filename));
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
