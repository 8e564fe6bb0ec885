// Whether any process has a database open. A server (its HTTP, processing and
// checkpoint connections) or a CLI command keeps a WAL database open, and an open WAL
// connection holds a lock that an exclusive-mode transaction cannot get past. Nothing
// here creates a file or waits: a missing file is not in use, a lock answers at once.
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";

export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { readwrite: true });
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return false;
  } catch (e) {
    if (/locked|busy/i.test((e as Error).message)) return true;
    throw e;
  } finally {
    db.close();
  }
}
