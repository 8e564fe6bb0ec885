// manifest.json: what a backup holds, written last, so a directory without it is no
// backup. Restore checks every file against it before touching the data directory.
import { Database } from "bun:sqlite";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = 1;

export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: number;
  /** The Aurea version that made the backup. */
  version: string;
  createdAt: string;
  /** The last schema migration applied (its timestamp), so an older Aurea can refuse it. */
  schema: number;
  files: BackupFile[];
  /** Events stored in aurea.db. */
  events: number;
  /** Batches acknowledged but not yet processed, in queue.db; processed after restore. */
  queuedBatches: number;
  integrity: "ok";
}

export class BackupError extends Error {}

export function sha256File(path: string): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hasher.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hasher.digest("hex");
}

/** PRAGMA integrity_check on a database file, opened read-only; "ok" or what is wrong. */
export function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
    return rows.map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new BackupError(`${dir} is not a complete backup: ${MANIFEST_FILE} is missing`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (e) {
    throw new BackupError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (m.format !== MANIFEST_FORMAT || !Array.isArray(m.files) || typeof m.schema !== "number") {
    throw new BackupError(`${path} is not an Aurea backup manifest (format ${MANIFEST_FORMAT})`);
  }
  return m;
}

/** Every file present, of the recorded size and hash, and intact by SQLite's own check. */
export function verifyBackup(dir: string): Manifest {
  const m = readManifest(dir);
  for (const f of m.files) {
    const path = join(dir, f.name);
    if (f.name.includes("/") || f.name.startsWith(".")) throw new BackupError(`manifest names an unexpected file "${f.name}"`);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new BackupError(`${path} is missing`);
    if (st.size !== f.bytes) throw new BackupError(`${path} is ${st.size} bytes, the manifest says ${f.bytes}: the backup is damaged`);
    if (sha256File(path) !== f.sha256) throw new BackupError(`${path} does not match its checksum in the manifest: the backup is damaged`);
    const integrity = integrityOf(path);
    if (integrity !== "ok") throw new BackupError(`${path} fails SQLite's integrity check: ${integrity}`);
  }
  return m;
}
