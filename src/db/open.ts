import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { applyMigrations } from "./migrate";
import * as schema from "./schema";

export type Db = BunSQLiteDatabase<typeof schema>;

export interface Store {
  sqlite: Database;
  db: Db;
  path: string;
  close(): void;
}

export const DATABASE_FILE = "aurea.db";

/**
 * Opens (creating when missing) the SQLite database in dataDir, sets the pragmas
 * Bun leaves off, and applies the embedded migrations.
 *
 * synchronous=FULL: every acknowledged commit is fsynced to the WAL, so neither
 * kill -9 nor a power loss loses an accepted event. Group commit keeps that cheap.
 */
export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = FULL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  sqlite.exec("PRAGMA cache_size = -65536");
  sqlite.exec("PRAGMA mmap_size = 268435456");
  applyMigrations(sqlite);
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    db,
    path,
    close() {
      try {
        sqlite.exec("PRAGMA optimize");
      } catch {
        // optimize is advisory; closing matters more
      }
      sqlite.close();
    },
  };
}
