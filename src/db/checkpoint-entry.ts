// The checkpoint thread: copies each database's WAL into its file, and fsyncs it, away
// from the threads that write. The HTTP and processing connections never checkpoint
// (wal_autocheckpoint = 0), so neither an answer nor a processing run waits for the
// disk. PASSIVE checkpoints take no lock that a reader or a writer waits for; a writer
// that never pauses outruns them, and resets the WAL itself past a size (wal-reset.ts).
import { Database } from "bun:sqlite";
import { WAL_BOUND_BYTES } from "./wal-bound";

declare const self: Worker;

export type CheckpointIncoming = { type: "start"; paths: string[]; intervalMs: number } | { type: "stop" };
export type CheckpointMessage = { type: "log"; line: string } | { type: "stopped" };

let timer: ReturnType<typeof setInterval> | null = null;
let databases: Database[] = [];
/** Errors logged, per file, until a checkpoint of it works again: one line each. */
const logged = new Map<string, string>();
const send = (m: CheckpointMessage) => postMessage(m);

function checkpointAll(): void {
  for (const db of databases) {
    try {
      db.exec("PRAGMA wal_checkpoint(PASSIVE)");
      if (logged.delete(db.filename)) send({ type: "log", line: `checkpoint of ${db.filename} works again` });
    } catch (e) {
      const message = (e as Error).message;
      if (logged.get(db.filename) === message) continue;
      logged.set(db.filename, message);
      send({ type: "log", line: `checkpoint of ${db.filename} failed (retrying until it works): ${message}` });
    }
  }
}

self.onmessage = (e: MessageEvent<CheckpointIncoming>) => {
  const m = e.data;
  if (m.type === "start") {
    databases = m.paths.map((path) => {
      const db = new Database(path, { strict: true });
      db.exec("PRAGMA busy_timeout = 5000");
      db.exec(`PRAGMA journal_size_limit = ${WAL_BOUND_BYTES}`);
      return db;
    });
    timer = setInterval(checkpointAll, m.intervalMs);
  } else if (m.type === "stop") {
    if (timer) clearInterval(timer);
    for (const db of databases) db.close();
    databases = [];
    send({ type: "stopped" });
  }
};
