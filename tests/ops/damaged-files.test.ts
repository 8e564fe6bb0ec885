// Damaged data files are named at start in one line, never reported healthy: a
// truncated aurea.db, a lost aurea.db-wal, a lost queue.db-wal (the two files' marks
// no longer agree). `aurea doctor` says the same and --accept clears recorded damage.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, readFileSync, truncateSync, statSync } from "node:fs";
import { join } from "node:path";
import { createBackup } from "../../src/backup/create";
import { restoreBackup } from "../../src/backup/restore";
import { forgetQueuePairingAt, quickCheckProblem } from "../../src/db/files-check";
import { openStore } from "../../src/db/open";
import { runCli } from "../helpers/process";
import { createTestFunnel, eventId, sendEvents, startTestServer, tempDir, waitForEvents } from "../helpers/server";

const copy = (from: string, to: string, names: string[]) => {
  for (const n of names) if (existsSync(join(from, n))) copyFileSync(join(from, n), join(to, n));
};

async function healthOf(url: string) {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as any };
}

/** A data directory with a funnel, closed cleanly (everything checkpointed), and the funnel. */
async function preparedData() {
  const dataDir = tempDir();
  const first = await startTestServer({ dataDir });
  const f = createTestFunnel(first);
  await first.stop();
  await checkpointed(dataDir);
  return { dataDir, f };
}

/**
 * Copies each WAL into its database file, as a clean shutdown of the last connection
 * does. A thread the server ended at its stop limit (a loaded machine) may still be
 * closing its connection or checkpointing: SQLite then answers busy instead of waiting,
 * so this tries again until the whole WAL was copied and emptied.
 */
async function checkpointed(dataDir: string): Promise<void> {
  for (const name of ["aurea.db", "queue.db"]) {
    const db = new Database(join(dataDir, name));
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = db.query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(TRUNCATE)").get()!;
        if (r.busy === 0 && r.log === r.checkpointed) break;
        if (Date.now() > deadline) throw new Error(`${name}: the WAL could not be checkpointed (${JSON.stringify(r)})`);
        await Bun.sleep(50);
      }
    } finally {
      db.close();
    }
  }
}

const batch = (n: number) => Array.from({ length: n }, () => ({ id: eventId(), type: "track", name: "x", anonymousId: "d" }));

test("quick_check raising the damage (it cannot walk the file) is reported as damage, not thrown", async () => {
  const dataDir = tempDir();
  openStore(dataDir).close();
  await checkpointed(dataDir);
  const path = join(dataDir, "aurea.db");
  const size = statSync(path).size;
  // Wherever the file is cut, the answer is a line to show, never an exception.
  for (const cut of [8192, Math.floor(size / 2), size - 4096]) {
    const damaged = join(dataDir, `cut-${cut}.db`);
    copyFileSync(path, damaged);
    truncateSync(damaged, cut);
    const db = new Database(damaged);
    try {
      expect(quickCheckProblem(db, true)).toContain("malformed");
    } finally {
      db.close();
    }
  }
});

test("a truncated aurea.db stops the start with one line naming the file, no stack trace", async () => {
  const { dataDir } = await preparedData();
  const path = join(dataDir, "aurea.db");
  truncateSync(path, Math.floor(statSync(path).size / 2) + 100);
  const run = await runCli(["serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir]);
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toContain("damaged");
  expect(lines[0]).toContain("aurea restore");
  expect(run.stderr).not.toContain("SQLiteError");

  const doctor = await runCli(["doctor", "--data", dataDir]);
  expect(doctor.code).toBe(1);
  expect(doctor.stdout).toContain("BAD  aurea.db");
}, 120_000);

test("a lost aurea.db-wal after acknowledged events is reported at start, in /healthz and by doctor until accepted", async () => {
  const { dataDir, f } = await preparedData();
  const server = await startTestServer({ dataDir, keepData: true });
  const crashed = tempDir();
  try {
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(30) })).status).toBe(202);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 30);
    // Processed, durable and removed from the queue: the queue's mark has moved.
    for (let i = 0; ; i++) {
      const h = await healthOf(server.url);
      if (h.body.queue.pending === 0) break;
      if (i > 300) throw new Error("batches never left the queue");
      await Bun.sleep(50);
    }
    // What a crash leaves, without the main database's WAL (deleted or lost).
    copy(dataDir, crashed, ["aurea.db", "queue.db", "queue.db-wal"]);
  } finally {
    await server.stop();
  }
  const logs: string[] = [];
  const after = await startTestServer({ dataDir: crashed, log: (l) => logs.push(l) });
  try {
    expect(logs.some((l) => l.includes("aurea.db lacks processed events") && l.includes("aurea.db-wal"))).toBe(true);
    const h = await healthOf(after.url);
    expect(h.status).toBe(200);
    expect(h.body.status).toBe("degraded");
    expect(h.body.checks.files.status).toBe("degraded");
    expect(h.body.checks.files.damage[0]).toContain("aurea.db-wal");
  } finally {
    await after.stop();
  }
  // Still reported after a restart: nothing turns healthy over known damage.
  const again = await startTestServer({ dataDir: crashed, keepData: true });
  try {
    expect((await healthOf(again.url)).body.checks.files.status).toBe("degraded");
  } finally {
    await again.stop();
  }
  const doctor = await runCli(["doctor", "--data", crashed]);
  expect(doctor.code).toBe(1);
  expect(doctor.stdout).toContain("aurea.db-wal");
  expect((await runCli(["doctor", "--data", crashed, "--accept"])).code).toBe(0);
  expect((await runCli(["doctor", "--data", crashed])).code).toBe(0);
  const accepted = await startTestServer({ dataDir: crashed });
  try {
    const h = await healthOf(accepted.url);
    expect(h.body.checks.files.status).toBe("ok");
    // Processing goes on: new events arrive.
    expect((await sendEvents(accepted, { funnelId: f.id, key: f.secretKey, events: batch(5) })).status).toBe(202);
    await waitForEvents(accepted, f.id, f.secretKey, (es) => es.length >= 5);
  } finally {
    await accepted.stop();
  }
}, 120_000);

test("a lost queue.db-wal (the queue older than the processing it fed) is reported at start", async () => {
  const { dataDir, f } = await preparedData();
  const crashed = tempDir();
  copy(dataDir, crashed, ["queue.db"]); // the queue as its last checkpoint left it
  const server = await startTestServer({ dataDir, keepData: true });
  try {
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(20) })).status).toBe(202);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 20);
  } finally {
    await server.stop();
  }
  await checkpointed(dataDir);
  copy(dataDir, crashed, ["aurea.db"]);
  const logs: string[] = [];
  const after = await startTestServer({ dataDir: crashed, log: (l) => logs.push(l) });
  try {
    expect(logs.some((l) => l.includes("queue.db is older than aurea.db") && l.includes("queue.db-wal"))).toBe(true);
    expect((await healthOf(after.url)).body.checks.files.status).toBe("degraded");
    // New batches get ids above every id aurea.db has counted.
    expect((await sendEvents(after, { funnelId: f.id, key: f.secretKey, events: batch(3) })).status).toBe(202);
    await waitForEvents(after, f.id, f.secretKey, (es) => es.length === 23);
  } finally {
    await after.stop();
  }
  expect(readFileSync(join(crashed, "queue.db")).length).toBeGreaterThan(0);
}, 120_000);

test("a clean restart reports no damage", async () => {
  const { dataDir, f } = await preparedData();
  for (let round = 0; round < 2; round++) {
    const server = await startTestServer({ dataDir, keepData: true });
    try {
      expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(10) })).status).toBe(202);
      await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 10 * (round + 1));
      expect((await healthOf(server.url)).body.checks.files.status).toBe("ok");
    } finally {
      await server.stop();
    }
  }
  expect((await runCli(["doctor", "--data", dataDir])).code).toBe(0);
}, 120_000);

test("a restored backup (queue copied before the database) is not taken for a lost queue WAL", async () => {
  const { dataDir, f } = await preparedData();
  const restored = tempDir();
  copy(dataDir, restored, ["queue.db"]); // copied first, as a backup does
  const server = await startTestServer({ dataDir, keepData: true });
  try {
    expect((await sendEvents(server, { funnelId: f.id, key: f.secretKey, events: batch(10) })).status).toBe(202);
    await waitForEvents(server, f.id, f.secretKey, (es) => es.length === 10);
  } finally {
    await server.stop();
  }
  await checkpointed(dataDir);
  copy(dataDir, restored, ["aurea.db"]); // then the database, which processed more meanwhile
  forgetQueuePairingAt(join(restored, "aurea.db")); // what aurea restore does
  const logs: string[] = [];
  const after = await startTestServer({ dataDir: restored, log: (l) => logs.push(l) });
  try {
    expect(logs.filter((l) => l.startsWith("damaged data"))).toEqual([]);
    expect((await healthOf(after.url)).body.checks.files.status).toBe("ok");
  } finally {
    await after.stop();
  }

  // aurea restore itself leaves the pairing cleared.
  const backupDir = join(tempDir(), "b");
  createBackup(dataDir, backupDir, { version: "test" });
  const target = tempDir();
  restoreBackup(backupDir, target);
  const main = new Database(join(target, "aurea.db"), { readonly: true });
  try {
    expect(main.query("SELECT queue_id FROM pipeline_marks").get()).toEqual({ queue_id: null });
  } finally {
    main.close();
  }
}, 120_000);
