// Runs the storage layout steps a database has not had, at every open, after the
// drizzle migrations: automatic, resumable (./steps.ts), with a backup taken before the
// first step of a database that holds data, and progress printed for large files.
import type { Database } from "bun:sqlite";
import { LAYOUT_STEPS, mb, type LayoutStep } from "./steps";
import { fileUse } from "../space";

/** Files at least this large print their progress. */
export const PROGRESS_FROM_BYTES = 64 * 2 ** 20;
const PROGRESS_EVERY_MS = 2000;

export interface LayoutOptions {
  log: (line: string) => void;
  /** Takes the backup and returns its directory, or null when the database holds nothing to keep. */
  backup: () => string | null;
  steps?: LayoutStep[];
  now?: () => number;
  /** Print progress whatever the file's size (tests). */
  alwaysProgress?: boolean;
}

interface Row {
  step: string;
  state: string | null;
  doneAt: number | null;
}

/** Runs what is pending; returns the ids of the steps it finished. */
export function migrateLayout(sqlite: Database, opts: LayoutOptions): string[] {
  const now = opts.now ?? Date.now;
  const steps = opts.steps ?? LAYOUT_STEPS;
  const rows = new Map(
    sqlite.query<Row, []>("SELECT step, state, done_at AS doneAt FROM storage_layout").all().map((r) => [r.step, r]),
  );
  const pending = steps.filter((s) => !rows.get(s.id)?.doneAt);
  if (!pending.length) return [];
  const markDone = sqlite.prepare("INSERT INTO storage_layout (step, started_at, done_at) VALUES (?, ?, ?) ON CONFLICT (step) DO UPDATE SET done_at = excluded.done_at");
  // A database made in the new layout (or already compact) needs nothing: noted once.
  const todo = pending.filter((s) => {
    if (rows.has(s.id) || s.needed(sqlite)) return true;
    markDone.run(s.id, now(), now());
    return false;
  });
  if (!todo.length) return [];

  if (!rows.has("backup")) {
    const dir = opts.backup();
    sqlite.query("INSERT INTO storage_layout (step, state, started_at, done_at) VALUES ('backup', ?, ?, ?)").run(dir, now(), now());
  }
  const large = opts.alwaysProgress || sizeOf(sqlite) >= PROGRESS_FROM_BYTES;
  const finished: string[] = [];
  for (const step of todo) {
    const started = now();
    sqlite.query("INSERT INTO storage_layout (step, started_at) VALUES (?, ?) ON CONFLICT (step) DO NOTHING").run(step.id, started);
    opts.log(`aurea: storage layout: ${step.describe}${rows.has(step.id) ? " (resuming)" : ""}`);
    let ok = false;
    try {
      ok = runStep(step);
    } catch (e) {
      if (step.required) throw e;
      opts.log(`aurea: storage layout: ${step.id} failed (${(e as Error).message}); the current layout keeps working, retried at the next start`);
    }
    if (!ok) continue;
    markDone.run(step.id, started, now());
    finished.push(step.id);
    opts.log(`aurea: storage layout: ${step.id} done in ${((now() - started) / 1000).toFixed(1)} s; the file is now ${mb(sizeOf(sqlite))}`);
  }
  return finished;

  function runStep(step: LayoutStep): boolean {
    const row = rows.get(step.id);
    let lastPrint = 0;
    let lastDone = -1;
    const save = sqlite.prepare("UPDATE storage_layout SET state = ? WHERE step = ?");
    return step.run(sqlite, {
      state: row?.state ? JSON.parse(row.state) : null,
      save: (state) => save.run(JSON.stringify(state), step.id),
      progress(done, total) {
        if (!large || done === lastDone || (Date.now() - lastPrint < PROGRESS_EVERY_MS && done < total)) return;
        lastPrint = Date.now();
        lastDone = done;
        opts.log(`aurea: storage layout: ${step.id} ${total ? Math.floor((100 * done) / total) : 100}% (${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")})`);
      },
      log: opts.log,
    });
  }
}

function sizeOf(sqlite: Database): number {
  const u = fileUse(sqlite);
  return u.pages * u.pageSize;
}
