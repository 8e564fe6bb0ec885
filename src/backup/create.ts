// A consistent copy of a data directory's two databases, taken while a server may be
// writing them. VACUUM INTO reads each database inside one read transaction (a
// snapshot that writers do not disturb and that never restarts, unlike the online
// backup API) and writes a compact, self-contained file without a WAL.
//
// Order matters: the queue first, then the main database. A batch leaves the queue
// only after its events are durable in aurea.db, so every batch acknowledged before
// the queue's snapshot is either in that snapshot or already in aurea.db when it is
// copied a moment later. A batch in both is processed again after a restore, which
// changes nothing (event ids are unique per funnel).
import { Database } from "bun:sqlite";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join, resolve } from "node:path";
import { DATABASE_FILE } from "../db/open";
import { QUEUE_FILE } from "../db/queue-db";
import { BackupError, integrityOf, MANIFEST_FILE, MANIFEST_FORMAT, sha256File, type BackupFile, type Manifest } from "./manifest";

/** What `aurea backup --json` prints. */
export interface BackupResult {
  dir: string;
  files: string[];
  events: number;
  bytes: number;
  integrity: "ok";
}

export interface BackupOptions {
  version: string;
  now?: () => number;
}

/** The files in copy order (see the top of this file). */
export function backupFiles(): string[] {
  return [QUEUE_FILE, DATABASE_FILE];
}

export function createBackup(dataDir: string, destDir: string, options: BackupOptions): BackupResult {
  const source = resolve(dataDir);
  const dest = resolve(destDir);
  if (!existsSync(join(source, DATABASE_FILE))) throw new BackupError(`no Aurea data in ${source} (${DATABASE_FILE} is missing)`);
  if (dest === source) throw new BackupError("the backup directory must not be the data directory");
  if (existsSync(dest) && readdirSync(dest).length) throw new BackupError(`${dest} is not empty: give a new or empty directory`);
  mkdirSync(dest, { recursive: true });
  try {
    for (const name of backupFiles()) {
      if (existsSync(join(source, name))) copyDatabase(join(source, name), join(dest, name));
    }
    const files: BackupFile[] = [];
    for (const name of backupFiles()) {
      const path = join(dest, name);
      if (!existsSync(path)) continue;
      const integrity = integrityOf(path);
      if (integrity !== "ok") throw new BackupError(`the copy of ${name} fails SQLite's integrity check: ${integrity}`);
      files.push({ name, bytes: statSync(path).size, sha256: sha256File(path) });
    }
    const facts = readFacts(dest);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: options.version,
      createdAt: new Date((options.now ?? Date.now)()).toISOString(),
      ...facts,
      files,
      integrity: "ok",
    };
    writeDurably(join(dest, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncPath(dest);
    return { dir: dest, files: files.map((f) => f.name), events: facts.events, bytes: files.reduce((n, f) => n + f.bytes, 0), integrity: "ok" };
  } catch (e) {
    // Never leave something that looks like a backup and is not one.
    rmSync(dest, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A backup is CPU work (copying, integrity check, checksums) that must not take the
 * cores from the threads answering requests: the calling thread (on Linux the nice
 * value is per thread) gives way. Ignored where not permitted.
 */
export function yieldCpuToServer(): void {
  try {
    setPriority(0, 10);
  } catch {
    // not permitted or not supported: run at normal priority
  }
}

function copyDatabase(from: string, to: string): void {
  const db = new Database(from, { readwrite: true });
  try {
    db.exec("PRAGMA busy_timeout = 10000");
    db.query("VACUUM INTO ?").run(to);
  } finally {
    db.close();
  }
  fsyncPath(to);
}

function readFacts(dest: string): Pick<Manifest, "events" | "queuedBatches" | "schema"> {
  const main = new Database(join(dest, DATABASE_FILE), { readonly: true });
  let events = 0;
  let schema = 0;
  try {
    // From migration 0015 until the compact-layout step has copied them all, the events are in legacy_events.
    const legacy = main.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'legacy_events'").get() !== null;
    events = main.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${legacy ? "legacy_events" : "events"}`).get()!.n;
    schema = Number(main.query<{ w: number | null }, []>("SELECT max(created_at) AS w FROM __drizzle_migrations").get()!.w ?? 0);
  } finally {
    main.close();
  }
  let queuedBatches = 0;
  const queuePath = join(dest, QUEUE_FILE);
  if (existsSync(queuePath)) {
    const queue = new Database(queuePath, { readonly: true });
    try {
      queuedBatches = queue.query<{ n: number }, []>("SELECT count(*) AS n FROM ingest_batches").get()!.n;
    } finally {
      queue.close();
    }
  }
  return { events, queuedBatches, schema };
}

export function writeDurably(path: string, text: string): void {
  writeFileSync(path, text);
  fsyncPath(path);
}

/** fsync a file or a directory (so a rename or a new file in it survives a power loss). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
