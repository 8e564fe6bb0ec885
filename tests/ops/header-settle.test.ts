// The connection that closes last copies the WAL into the database file, page 1 (the
// header, with the new page count) first. A start that reads the file in the middle of
// that copy waits for it instead of calling a whole database truncated; a file that stays
// short is still refused.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkHeaders, DamagedFileError } from "../../src/db/files-check";
import { tempDir } from "../helpers/server";

/** A data dir whose aurea.db holds only page 1 of a larger database, beside a WAL with frames; and the whole file. */
function midCopy(): { dir: string; path: string; whole: string } {
  const dir = tempDir("aurea-settle-");
  const whole = join(dir, "whole.db");
  const db = new Database(whole, { create: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("CREATE TABLE t (x TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  for (let i = 0; i < 400; i++) insert.run("x".repeat(1000));
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const path = join(dir, "aurea.db");
  writeFileSync(path, readFileSync(whole).subarray(0, 4096));
  const wal = Buffer.alloc(4096);
  wal.writeUInt32BE(0x377f0682, 0); // a WAL header, frames after it
  writeFileSync(`${path}-wal`, wal);
  return { dir, path, whole };
}

test("a database read while its WAL is copied into it is read again once the copy is done", async () => {
  const { dir, path, whole } = midCopy();
  // The copy ends in another process, as a connection closing elsewhere would end it.
  const copier = Bun.spawn(["sh", "-c", `cp '${whole}' '${path}.tmp' && mv '${path}.tmp' '${path}' && rm -f '${path}-wal'`]);
  expect(() => checkHeaders(dir, ["aurea.db"])).not.toThrow();
  expect(await copier.exited).toBe(0);
});

test("a database that stays shorter than its header says is damaged, WAL or not", () => {
  const { dir } = midCopy();
  let error: unknown;
  try {
    checkHeaders(dir, ["aurea.db"]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DamagedFileError);
  expect((error as Error).message).toContain("shorter than its header says");
}, 30_000);
