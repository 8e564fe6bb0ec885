// What can be checked cheaply about the data files at start, so damage is said in one
// line naming the file, never found later as lost events or a stack trace:
// - headers: each database starts with SQLite's header, and is not shorter than the
//   page count its header states (a truncated copy); each WAL has a WAL header;
// - PRAGMA quick_check on databases small enough to read in well under a second;
// - high-water marks kept across the two files: aurea.db records the last batch it
//   processed, queue.db the last batch it removed once processed. A queue older than
//   the processing it fed, or a database without batches the queue removed as done,
//   means a WAL was deleted or damaged and acknowledged events are gone.
// What was found is kept in queue.db until `aurea doctor --accept` clears it, so health
// never turns healthy over known damage by a restart.
import { Database, SQLiteError } from "bun:sqlite";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

export class DamagedFileError extends Error {}

const SQLITE_MAGIC = "SQLite format 3\0";
const WAL_MAGICS = new Set([0x377f0682, 0x377f0683]);
/** quick_check reads the whole file: only below this size at every start. */
export const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024;

export function restoreAdvice(dataDir: string): string {
  return `restore from a backup (aurea restore DIR --data ${dataDir}), or see \`aurea doctor --data ${dataDir}\``;
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** What is wrong with a database file's or its WAL's header, or null. Missing and empty files are fine (new). */
export function headerProblem(path: string): string | null {
  const size = statSync(path, { throwIfNoEntry: false })?.size;
  if (size) {
    const head = readHead(path, 100);
    if (head.length < 100 || head.subarray(0, 16).toString("latin1") !== SQLITE_MAGIC) return "it is not an SQLite database (its header is missing or overwritten)";
    const rawPageSize = head.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = head.readUInt32BE(28);
    // The page count is valid when the change counter matches "version valid for".
    const countValid = head.readUInt32BE(24) === head.readUInt32BE(92);
    if (size % pageSize !== 0) return `its size (${size} bytes) is not a whole number of ${pageSize}-byte pages: it was truncated or cut while copied`;
    if (countValid && pages * pageSize > size) return `it is shorter than its header says (${size} of ${pages * pageSize} bytes): it was truncated`;
  }
  const walSize = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (walSize >= 32) {
    const head = readHead(`${path}-wal`, 32);
    if (!WAL_MAGICS.has(head.readUInt32BE(0))) return `its WAL (${path}-wal) has no WAL header: it was overwritten`;
  }
  return null;
}

/**
 * How long a start reads a file again while its WAL is being copied into it. The connection
 * that closes last copies the WAL into the database, page 1 (the header, with the new page
 * count) first: read in the middle of that copy, a whole database looks truncated. Seen
 * once, in a test run beside the ingest bench, from a reader thread's connection closed
 * late in a process that then started a server on the same data.
 */
const HEADER_SETTLE_MS = 3000;

/** Throws DamagedFileError for a file whose header shows damage. */
export function checkHeaders(dataDir: string, files: string[]): void {
  for (const name of files) {
    const path = join(dataDir, name);
    let problem = headerProblem(path);
    const until = Date.now() + HEADER_SETTLE_MS;
    while (problem && walInUse(path) && Date.now() < until) {
      Bun.sleepSync(20);
      problem = headerProblem(path);
    }
    if (problem) throw new DamagedFileError(`${path} is damaged: ${problem}. ${capitalise(restoreAdvice(dataDir))}.`);
  }
}

/** The file has a WAL with frames beside it (a copy into the file may be under way). */
function walInUse(path: string): boolean {
  return (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 32;
}

/** Runs `fn` (opening a database); turns SQLite's damage errors into one line naming the file. */
const isDamageError = (e: unknown): e is SQLiteError => e instanceof SQLiteError && /^SQLITE_(CORRUPT|NOTADB)/.test(e.code ?? "");

export function namingDamage<T>(path: string, dataDir: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isDamageError(e)) {
      throw new DamagedFileError(`${path} is damaged (${e.message}). ${capitalise(restoreAdvice(dataDir))}.`);
    }
    throw e;
  }
}

/** PRAGMA quick_check, when the file is small enough (or always, given force). Null when fine or skipped. */
export function quickCheckProblem(db: Database, force = false): string | null {
  const size = statSync(db.filename, { throwIfNoEntry: false })?.size ?? 0;
  if (!force && size > QUICK_CHECK_MAX_BYTES) return null;
  let rows: { quick_check: string }[];
  try {
    rows = db.query<{ quick_check: string }, []>("PRAGMA quick_check").all();
  } catch (e) {
    // Damage in the pages quick_check itself walks first (the schema, a b-tree root)
    // is raised instead of listed: which one, depends on where the file was cut.
    if (isDamageError(e)) return e.message;
    throw e;
  }
  const lines = rows.map((r) => r.quick_check);
  return lines.length === 1 && lines[0] === "ok" ? null : lines.slice(0, 3).join("; ");
}

interface Marks {
  processedMax: number;
  mainQueueId: string | null;
  queueId: string;
  confirmedMax: number;
  queueSeq: number;
  damage: string[];
}

function readMarks(main: Database, queue: Database): Marks {
  const p = main.query<{ last: number; qid: string | null }, []>("SELECT last_batch_id AS last, queue_id AS qid FROM pipeline_marks WHERE id = 1").get();
  const q = queue.query<{ qid: string; confirmed: number; damage: string | null }, []>(
    "SELECT queue_id AS qid, confirmed_max AS confirmed, damage FROM queue_marks WHERE id = 1",
  ).get()!;
  const seq = queue.query<{ seq: number }, []>("SELECT seq FROM sqlite_sequence WHERE name = 'ingest_batches'").get();
  return {
    processedMax: p?.last ?? 0,
    mainQueueId: p?.qid ?? null,
    queueId: q.qid,
    confirmedMax: q.confirmed,
    queueSeq: seq?.seq ?? 0,
    damage: q.damage ? (JSON.parse(q.damage) as string[]) : [],
  };
}

/**
 * Compares the two files' marks; records new damage (and lines the marks up again, so
 * processing goes on with ids that cannot be confused). Returns every damage line not
 * yet accepted, the new ones included.
 */
export function checkMarks(main: Database, queue: Database, dataDir: string, now: number): string[] {
  const m = readMarks(main, queue);
  const found: string[] = [];
  const when = new Date(now).toISOString();
  if (m.mainQueueId === m.queueId) {
    if (m.processedMax > m.queueSeq) {
      found.push(
        `${when}: queue.db is older than aurea.db (batch #${m.processedMax} was processed, the queue's newest is #${m.queueSeq}): ` +
          `its WAL (queue.db-wal) was deleted or damaged, and events acknowledged but not yet processed then are lost`,
      );
    }
  }
  if (m.confirmedMax > m.processedMax) {
    found.push(
      `${when}: aurea.db lacks processed events (batches up to #${m.confirmedMax} were processed and removed from the queue, aurea.db has them up to #${m.processedMax}): ` +
        `its WAL (aurea.db-wal) was deleted or damaged, and those batches' events are lost`,
    );
  }
  const lineUp = main.transaction(() => {
    main.query("UPDATE pipeline_marks SET last_batch_id = max(last_batch_id, ?), queue_id = ? WHERE id = 1").run(m.confirmedMax, m.queueId);
  });
  lineUp.immediate();
  const damage = [...m.damage, ...found];
  queue.transaction(() => {
    // New batches get ids above every id aurea.db has seen.
    if (m.processedMax > m.queueSeq) {
      const moved = queue.query("UPDATE sqlite_sequence SET seq = ? WHERE name = 'ingest_batches'").run(m.processedMax).changes;
      if (!moved) queue.query("INSERT INTO sqlite_sequence (name, seq) VALUES ('ingest_batches', ?)").run(m.processedMax);
    }
    if (found.length) queue.query("UPDATE queue_marks SET damage = ? WHERE id = 1").run(JSON.stringify(damage));
  }).immediate();
  return damage;
}

/**
 * After a restore, the queue and the database are copies taken one after the other:
 * their marks are not compared until processing has counted in this queue again.
 */
export function forgetQueuePairing(main: Database): void {
  main.query("UPDATE pipeline_marks SET queue_id = NULL WHERE id = 1").run();
}

/** The same on a database file that no process has open (after `aurea restore`). */
export function forgetQueuePairingAt(mainPath: string): void {
  const db = new Database(mainPath, { strict: true });
  try {
    forgetQueuePairing(db);
  } catch (e) {
    // A backup from before the marks has no pipeline_marks: nothing to forget.
    if (!(e instanceof SQLiteError && /no such table/.test(e.message))) throw e;
  } finally {
    db.close();
  }
}

/** `aurea doctor --accept`: the operator has seen the damage and goes on with the data as it is. */
export function acceptDamage(queue: Database): void {
  queue.query("UPDATE queue_marks SET damage = NULL WHERE id = 1").run();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
