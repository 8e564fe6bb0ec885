// Before a newer Aurea changes the schema of a database that holds data, a full
// backup goes into DATA/backups/, so an upgrade that goes wrong can be undone with
// `aurea restore` and the previous executable. The same before the storage layout
// steps (src/db/layout/), which may rewrite the whole file.
import type { Database } from "bun:sqlite";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { VERSION } from "../cli/version";
import { pendingMigrations } from "../db/migrate";
import { createBackup } from "./create";
import { MANIFEST_FILE } from "./manifest";
import { backupName } from "./schedule";

export function backupBeforeMigrating(sqlite: Database, log: (line: string) => void): string | null {
  const pending = pendingMigrations(sqlite);
  if (!pending.length || !holdsData(sqlite)) return null;
  const dest = join(dirname(sqlite.filename), "backups", `${backupName(Date.now())}-before-${pending[0].tag}`);
  removeUnfinished(join(dirname(sqlite.filename), "backups"), log);
  const r = createBackup(dirname(sqlite.filename), dest, { version: VERSION });
  log(`aurea: the database schema changes (${pending.map((m) => m.tag).join(", ")}); a backup of the data before it is in ${r.dir}`);
  return r.dir;
}

/**
 * Before the storage layout steps (src/db/layout/) rewrite a database that holds data:
 * the backup just taken for the schema migrations of this same start, or a new one.
 */
export function backupBeforeLayout(sqlite: Database, log: (line: string) => void, taken: string | null): string | null {
  if (taken) return taken;
  if (!holdsData(sqlite)) return null;
  const dest = join(dirname(sqlite.filename), "backups", `${backupName(Date.now())}-before-storage-layout`);
  removeUnfinished(join(dirname(sqlite.filename), "backups"), log);
  const r = createBackup(dirname(sqlite.filename), dest, { version: VERSION });
  log(`aurea: the storage layout changes; a backup of the data before it is in ${r.dir}`);
  return r.dir;
}

const BEFORE_NAME = /^aurea-\d{8}T\d{6}Z-before-/;

/**
 * A start stopped while copying (kill -9, power loss) leaves a backup directory without
 * its manifest: not a backup, and as large as the database. It is taken again now, so the
 * unfinished copy only wastes the disk.
 */
function removeUnfinished(dir: string, log: (line: string) => void): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!BEFORE_NAME.test(name) || existsSync(join(dir, name, MANIFEST_FILE))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    log(`aurea: removed ${join(dir, name)}, a backup left unfinished by an earlier start`);
  }
}

/** Applied migrations and at least one funnel or user: an empty database needs no backup. */
function holdsData(sqlite: Database): boolean {
  try {
    const row = sqlite.query<{ n: number }, []>("SELECT (SELECT count(*) FROM funnels) + (SELECT count(*) FROM users) AS n").get();
    return (row?.n ?? 0) > 0;
  } catch {
    return false; // no such table: nothing was ever migrated
  }
}
