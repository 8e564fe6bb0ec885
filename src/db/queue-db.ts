// The ingest queue lives in a database file of its own, with its own connection.
// An acknowledgement then fsyncs only the small queue WAL, never the pages the
// processing thread is writing into the main database, and no transaction on the
// main database ever holds up an acknowledgement (or the other way round).
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { WAL_BOUND_BYTES } from "./wal-bound";

export const QUEUE_FILE = "queue.db";
const QUEUE_CACHE_KIB = 512;

export function openQueue(dataDir: string): Database {
  const sqlite = new Database(join(dataDir, QUEUE_FILE), { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  // Commits are not fsynced one by one: the accept path fsyncs the WAL itself before it
  // answers (group-commit.ts), and the worker's own writes here can be redone.
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec(`PRAGMA journal_size_limit = ${WAL_BOUND_BYTES}`);
  // A batch's pages are written once and read once, seconds later: no use for the
  // 2 MiB page cache a connection keeps by default (each thread has one).
  sqlite.exec(`PRAGMA cache_size = -${QUEUE_CACHE_KIB}`);
  sqlite.exec(`CREATE TABLE IF NOT EXISTS ingest_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    funnel_id TEXT NOT NULL,
    key_kind TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT
  )`);
  sqlite.exec("CREATE INDEX IF NOT EXISTS ingest_batches_status_id ON ingest_batches (status, id)");
  // One row: this queue file's identity, the highest batch id removed once its events
  // were durable in aurea.db, and damage found at start until an operator accepts it
  // (files-check.ts).
  sqlite.exec(`CREATE TABLE IF NOT EXISTS queue_marks (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    queue_id TEXT NOT NULL,
    confirmed_max INTEGER NOT NULL DEFAULT 0,
    damage TEXT
  )`);
  sqlite.query("INSERT OR IGNORE INTO queue_marks (id, queue_id) VALUES (1, ?)").run(crypto.randomUUID());
  return sqlite;
}
