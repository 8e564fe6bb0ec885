// The checks a server runs on its data files before it serves (files-check.ts): a
// small database that fails quick_check stops the start with one line naming it; lost
// WALs are recorded and reported (log, /healthz) while the server goes on.
import { DamagedFileError, checkMarks, quickCheckProblem, restoreAdvice } from "./files-check";
import type { Store } from "./open";

/** Damage lines not yet accepted; throws DamagedFileError when a database is unusable. */
export function checkDataFiles(store: Store, dataDir: string, now: number): string[] {
  for (const db of [store.sqlite, store.queue]) {
    const problem = quickCheckProblem(db);
    if (problem) throw new DamagedFileError(`${db.filename} is damaged (quick_check: ${problem}). ${restoreAdvice(dataDir)}.`);
  }
  return checkMarks(store.sqlite, store.queue, dataDir, now);
}
