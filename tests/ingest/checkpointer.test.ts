// The checkpoint thread copies a database's WAL into its file, so a writer that never
// checkpoints itself (wal_autocheckpoint = 0) reuses the WAL instead of growing it.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Checkpointer } from "../../src/db/checkpointer";
import { resetWalIfLarge, walSizeOf } from "../../src/db/wal-reset";
import { tempDir } from "../helpers/server";

test("a writer that never checkpoints keeps its WAL bounded while the thread runs", async () => {
  const path = join(tempDir(), "w.db");
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (v TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const write = () => db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run("x".repeat(500)); })();
  const walSize = () => statSync(`${path}-wal`).size;
  write();
  const afterOne = walSize();
  write();
  expect(walSize()).toBeGreaterThan(afterOne * 1.5); // without checkpoints it grows

  const logs: string[] = [];
  const checkpointer = new Checkpointer([path], (l) => logs.push(l));
  try {
    const grown = walSize();
    for (let round = 0; round < 3; round++) {
      await Bun.sleep(1200); // more than one interval: everything written so far is copied
      // The writer restarts the WAL from its start, so the two transactions fit in it.
      write();
      write();
      expect(walSize()).toBeLessThanOrEqual(grown * 1.1);
    }
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 16_000 });
  } finally {
    await checkpointer.stop();
    db.close();
  }
  expect(logs).toEqual([]);
});

test("a writer that never pauses keeps its WAL bounded by resetting it past the size (passive checkpoints alone fall behind)", async () => {
  const path = join(tempDir(), "busy.db");
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; PRAGMA busy_timeout = 5000; CREATE TABLE t (v TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const write = () => db.transaction(() => { for (let i = 0; i < 500; i++) insert.run("y".repeat(1000)); })();
  const resetBytes = 2 * 1024 * 1024;
  const logs: string[] = [];
  const checkpointer = new Checkpointer([path], (l) => logs.push(l));
  let max = 0;
  let resets = 0;
  try {
    // About 60 MB written back to back, the event loop turned between transactions only.
    for (let round = 0; round < 120; round++) {
      write();
      max = Math.max(max, walSizeOf(db));
      if (resetWalIfLarge(db, resetBytes)) resets++;
      await Bun.sleep(0);
    }
  } finally {
    await checkpointer.stop();
  }
  expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 60_000 });
  db.close();
  expect(resets).toBeGreaterThan(0);
  // A few transactions (~0.6 MB each) past the reset size at most: a reset that finds the
  // checkpoint thread busy (a loaded machine) is retried after the next transaction.
  // Without resets the WAL holds everything written, about 60 MB.
  expect(max).toBeLessThan(resetBytes + 14 * 1024 * 1024);
  expect(logs).toEqual([]);
});
