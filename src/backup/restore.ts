// Puts a verified backup in place of a data directory's databases, refusing while any
// process has them open. What was there is kept aside, never deleted.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import { forgetQueuePairingAt } from "../db/files-check";
import { migrations } from "../db/migrations.gen";
import { DATABASE_FILE } from "../db/open";
import { backupFiles, fsyncPath } from "./create";
import { databaseInUse } from "./in-use";
import { PID_FILE, runningServerPid } from "./server-pid";
import { BackupError, verifyBackup, type Manifest } from "./manifest";

export interface RestoreResult {
  dataDir: string;
  manifest: Manifest;
  /** Where the files that were replaced now are, or null when there were none. */
  setAside: string | null;
}

export function restoreBackup(backupDir: string, dataDir: string, now: () => number = Date.now): RestoreResult {
  const from = resolve(backupDir);
  const to = resolve(dataDir);
  const manifest = verifyBackup(from);
  const newest = migrations.at(-1)?.when ?? 0;
  if (manifest.schema > newest) {
    throw new BackupError(`the backup was made by Aurea ${manifest.version} with a newer database schema; restore it with that version or later`);
  }
  const pid = runningServerPid(to);
  if (pid !== null) {
    throw new BackupError(`a server (pid ${pid}) is serving ${to}: stop it before restoring (if none runs, delete ${join(to, PID_FILE)})`);
  }
  for (const name of backupFiles()) {
    if (databaseInUse(join(to, name))) {
      throw new BackupError(`${join(to, name)} is open in another process (a running server or command): stop it before restoring into ${to}`);
    }
  }
  mkdirSync(to, { recursive: true });
  const setAside = setAsideCurrent(to, now());
  for (const f of manifest.files) {
    const part = join(to, `${f.name}.restoring`);
    copyFileSync(join(from, f.name), part);
    fsyncPath(part);
    renameSync(part, join(to, f.name));
  }
  // The two copies were taken one after the other: their lost-WAL marks must not be
  // compared until processing has counted in this queue again (db/files-check.ts).
  if (existsSync(join(to, DATABASE_FILE))) forgetQueuePairingAt(join(to, DATABASE_FILE));
  fsyncPath(to);
  return { dataDir: to, manifest, setAside };
}

/**
 * Moves both databases (and their -wal/-shm) into a dated folder, the queue too when
 * the backup has none: its batches belong to the data being replaced.
 */
function setAsideCurrent(dir: string, at: number): string | null {
  const names = new Set(backupFiles().flatMap((n) => [n, `${n}-wal`, `${n}-shm`, `${n}-journal`]));
  const present = readdirSync(dir).filter((n) => names.has(n));
  if (!present.length) return null;
  const aside = join(dir, `replaced-${new Date(at).toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(aside);
  for (const n of present) renameSync(join(dir, n), join(aside, n));
  fsyncPath(dir);
  return aside;
}
