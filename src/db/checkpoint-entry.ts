// The checkpoint thread: copies each database's WAL into its file, and fsyncs it, away
// from the threads that write. The HTTP and processing connections never checkpoint
// (wal_autocheckpoint = 0), so neither an answer nor a processing run waits for the
// disk. PASSIVE checkpoints take no lock that a reader or a writer waits for; a writer
// that never pauses outruns them, and resets the WAL itself past a size (wal-reset.ts).
// The thread keeps no clock: the "checkpoint" task (checkpointer.ts) asks for each pass.
import { Database } from "bun:sqlite";
import { WAL_BOUND_BYTES } from "./wal-bound";

declare const self: Worker;

export type CheckpointIncoming = { type: "start"; paths: string[] } | { type: "checkpoint" } | { type: "stop" };
/** `errors`: one "file: message" per database whose checkpoint failed this pass. */
export type CheckpointMessage = { type: "checkpointed"; errors: string[] } | { type: "stopped" };

let databases: Database[] = [];
const send = (m: CheckpointMessage) => postMessage(m);

function checkpointAll(): string[] {
  const errors: string[] = [];
  for (const db of databases) {
    try {
      db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (e) {
      errors.push(`${db.filename}: ${(e as Error).message}`);
    }
  }
  return errors;
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
  } else if (m.type === "checkpoint") {
    send({ type: "checkpointed", errors: checkpointAll() });
  } else if (m.type === "stop") {
    for (const db of databases) db.close();
    databases = [];
    send({ type: "stopped" });
  }
};
