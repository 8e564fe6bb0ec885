import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { backupBeforeLayout, backupBeforeMigrating } from "../backup/before-migration";
import { migrateLayout } from "./layout/run";
import { applyMigrations } from "./migrate";
import { checkHeaders, namingDamage } from "./files-check";
import { openQueue, QUEUE_FILE } from "./queue-db";
import { makeIncremental } from "./space";
import { WAL_BOUND_BYTES } from "./wal-bound";
import * as schema from "./schema";
import type { EventStore } from "../store/event-store";
import { sqliteEventStore } from "../store/sqlite/event-store";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

export interface Store {
  sqlite: Database;
  /** The ingest queue's own database (queue-db.ts). */
  queue: Database;
  db: Db;
  /** The event plane (events, visits, contacts, rollups) behind its seam: SQLite, on `sqlite`. */
  events: EventStore;
  path: string;
  close(): void;
}

export const DATABASE_FILE = "aurea.db";

/**
 * No memory-mapped reads: pages come through SQLite's page cache (cache_size, bounded
 * per connection) and the kernel's file cache, which is not the process's memory. A
 * 256 MiB map on each connection put 145–150 MiB of the database's pages in the
 * server's RSS after a few dashboard pages at 1M events; reading them instead cost
 * about 4 % more CPU over the dashboard pages (docs/performance.md, "Memory").
 */
const MMAP_SIZE = 0;

/**
 * A reader thread's page cache (KiB). The dashboard pages read rollups, a few MiB each:
 * at 1M events 16 MiB instead of 64 took the server's peak over the dashboard pages from
 * 212 to 173 MiB at the same CPU (docs/performance.md, "Memory"); at 10M events 8 MiB
 * instead of 16 took it from 239–240 to 224–227 MiB, and the funnel report (the page that
 * peaks) from 510–536 to 572–573 ms of CPU ("The burst's memory (stop 25)").
 */
export const READER_CACHE_KIB = 8192;

/**
 * Runs fn with synchronous=NORMAL: its commit is not fsynced
 * on its own. Only for writes that can be redone from something already durable
 * (the worker's output of queued batches, which stay queued until a later FULL
 * commit has made that output durable). In WAL mode a FULL commit fsyncs every
 * commit before it too.
 */
export function withoutFsync<T>(sqlite: Database, fn: () => T): T {
  sqlite.exec("PRAGMA synchronous = NORMAL");
  try {
    return fn();
  } finally {
    sqlite.exec("PRAGMA synchronous = FULL");
  }
}

/**
 * Frees the unused pages of a store's page caches (main and queue database), which a
 * connection otherwise keeps up to its cache_size for good: for a thread that has gone
 * quiet (src/ops/idle-collect.ts). The next work reads its pages again, from the
 * kernel's file cache.
 */
export function releasePageCaches(store: Pick<Store, "sqlite" | "queue"> | null | undefined): void {
  if (!store) return;
  releasePageCache(store.sqlite);
  releasePageCache(store.queue);
}

/** One connection's part of releasePageCaches (a reader thread's own connection). */
export function releasePageCache(sqlite: Database): void {
  sqlite.exec("PRAGMA shrink_memory");
}

/**
 * A second connection to an existing database, for a reader thread: the same
 * pragmas, no migrations (the server applied them). Its writes are derived data
 * (rollups, statistics) that a later read rebuilds, so they need no fsync of their own.
 * autocheckpoint false: a checkpoint thread copies the WAL instead.
 */
export function openReaderConnection(path: string, opts: { autocheckpoint: boolean }): Database {
  const sqlite = new Database(path, { strict: true });
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  sqlite.exec(`PRAGMA cache_size = -${READER_CACHE_KIB}`);
  sqlite.exec(`PRAGMA mmap_size = ${MMAP_SIZE}`);
  if (!opts.autocheckpoint) sqlite.exec("PRAGMA wal_autocheckpoint = 0");
  return sqlite;
}

/**
 * Opens (creating when missing) the SQLite database in dataDir, sets the pragmas
 * Bun leaves off, and applies the embedded migrations.
 *
 * synchronous=FULL: every acknowledged commit is fsynced to the WAL, so neither
 * kill -9 nor a power loss loses an accepted event. Group commit keeps that cheap,
 * and the queue's own file (queue-db.ts) keeps it independent of processing.
 */
export function openStore(dataDir: string, opts: { checkFiles?: boolean } = {}): Store {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  // Reading the headers opens and closes the files outside SQLite. POSIX locks belong to
  // the process, so that close would drop the locks of connections this process already
  // holds: threads opening beside the main thread's connections pass checkFiles: false.
  if (opts.checkFiles !== false) checkHeaders(dataDir, [DATABASE_FILE, QUEUE_FILE]);
  return namingDamage(path, dataDir, () => openChecked(dataDir, path));
}

function openChecked(dataDir: string, path: string): Store {
  const fresh = !existsSync(path);
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA busy_timeout = 5000");
  // Only a new file takes this, and only before WAL touches it; older ones are switched
  // by the layout migration (./layout/steps.ts).
  if (fresh) makeIncremental(sqlite);
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = FULL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  sqlite.exec("PRAGMA cache_size = -65536");
  sqlite.exec(`PRAGMA mmap_size = ${MMAP_SIZE}`);
  sqlite.exec(`PRAGMA journal_size_limit = ${WAL_BOUND_BYTES}`);
  // Without a checkpoint thread (tests, inline processing): checkpoint less often, so
  // index pages written many times are copied into the database once, but well
  // before the bound. Servers with a processing thread set this to 0.
  const pageSize = (sqlite.query("PRAGMA page_size").get() as { page_size: number }).page_size;
  sqlite.exec(`PRAGMA wal_autocheckpoint = ${Math.floor(WAL_BOUND_BYTES / 2 / pageSize)}`);
  const log = (line: string) => console.error(line);
  const taken = backupBeforeMigrating(sqlite, log);
  applyMigrations(sqlite);
  migrateLayout(sqlite, { log, backup: () => backupBeforeLayout(sqlite, log, taken) });
  const queue = namingDamage(join(dataDir, QUEUE_FILE), dataDir, () => openQueue(dataDir));
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    queue,
    db,
    events: sqliteEventStore(sqlite),
    path,
    close() {
      try {
        sqlite.exec("PRAGMA optimize");
      } catch {
        // optimize is advisory; closing matters more
      }
      sqlite.close();
      queue.close();
    },
  };
}
