// The storage layout steps, oldest first. Unlike a drizzle migration (one transaction,
// fine for DDL), a step may rewrite a large file: it works in chunks, each committed
// together with its cursor (save), so a crash resumes after the last committed chunk;
// it reports progress, and the runner (./run.ts) takes a backup before the first one.
// A step that is one statement (VACUUM) is redone from the start after a crash, which
// SQLite makes safe: the interrupted statement left nothing behind.
import type { Database } from "bun:sqlite";
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import { fileUse, usedBytes } from "../space";
import { compactLayoutStep, LEGACY_TABLES } from "./compact-layout";

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

/** VACUUM writes a new copy of what the file holds (a temporary file, then the WAL): leave room for both. */
const VACUUM_ROOM = 2.2;

/** One VACUUM, unless the disk lacks room for it (then it stays pending). */
function vacuum(sqlite: Database, ctx: StepContext): boolean {
  const use = fileUse(sqlite);
  const bytes = use.pages * use.pageSize;
  const need = usedBytes(use) * VACUUM_ROOM;
  const free = freeDisk(sqlite);
  if (free !== null && free < need) {
    ctx.log(`aurea: storage layout: not enough free disk for the VACUUM (${mb(free)} free, ${mb(need)} needed); the file stays as it is, retried at the next start`);
    return false;
  }
  sqlite.exec("PRAGMA auto_vacuum = INCREMENTAL");
  sqlite.exec("VACUUM");
  sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const after = fileUse(sqlite);
  ctx.log(`aurea: storage layout: compacted ${mb(bytes)} to ${mb(after.pages * after.pageSize)}`);
  return true;
}

export const incrementalAutoVacuum: LayoutStep = {
  id: "incremental-auto-vacuum",
  required: false,
  describe: "switching to incremental auto-vacuum, so that deleted data gives its space back (one VACUUM; about a minute per GB)",
  needed: (sqlite) => fileUse(sqlite).autoVacuum !== 2,
  run: vacuum,
};

/**
 * Phase A's step: it stored the ids of `events` as 16 bytes in place. Since migration 0015
 * `events` is the compact table, whose ids the compact-layout step (and the writer)
 * encode themselves, so it has nothing left to do; it keeps its id so that databases
 * which had it, or had it half done, see it finished.
 */
export const compactEventIds: LayoutStep = {
  id: "event-ids-16-bytes",
  describe: "storing event ids of UUID form as 16 bytes (now part of the compact layout)",
  required: true,
  needed: () => false,
  run: () => true,
};

export const compactLayout = compactLayoutStep();

/** A database that had the incremental VACUUM before the conversion frees most of its file in it: pack it once. */
export const vacuumAfterCompactLayout: LayoutStep = {
  id: "compact-layout-vacuum",
  required: false,
  describe: "giving back the space the old layout took (one VACUUM of what remains)",
  needed: (sqlite) =>
    sqlite.query(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name IN (${LEGACY_TABLES.map((t) => `'${t}'`).join(", ")})`).get() !== null ||
    sqlite.query("SELECT 1 FROM storage_layout WHERE step = 'compact-layout' AND done_at IS NULL").get() !== null,
  run(sqlite, ctx) {
    const use = fileUse(sqlite);
    // The incremental-auto-vacuum step just before may have packed the file already.
    if (use.freePages < use.pages / 10) return true;
    return vacuum(sqlite, ctx);
  },
};

/** In order: the VACUUMs last, so that they pack the pages the rewrites before them left empty. */
export const LAYOUT_STEPS: LayoutStep[] = [compactEventIds, compactLayout, incrementalAutoVacuum, vacuumAfterCompactLayout];

function freeDisk(sqlite: Database): number | null {
  try {
    const s = statfsSync(dirname(sqlite.filename));
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
