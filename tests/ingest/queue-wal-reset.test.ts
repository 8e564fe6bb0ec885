// The queue's writer (the HTTP thread) must not sleep, so a WAL reset that cannot run now
// (a reader, the checkpoint thread) is tried again on a timer, not only at the next marks.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { join } from "node:path";
import { openQueue, QUEUE_FILE } from "../../src/db/queue-db";
import { WAL_RESET_BYTES } from "../../src/db/wal-bound";
import { walSizeOf } from "../../src/db/wal-reset";
import { localQueueMarks } from "../../src/pipeline/queue-marks";
import { tempDir } from "../helpers/server";

test("a queue WAL reset that finds a reader in the way is retried once the reader is gone", async () => {
  const dir = tempDir();
  const queue = openQueue(dir);
  queue.exec("PRAGMA wal_autocheckpoint = 0");
  const insert = queue.prepare("INSERT INTO ingest_batches (funnel_id, key_kind, received_at, payload) VALUES ('f', 'public', 0, ?)");
  const payload = "x".repeat(3000);
  queue.transaction(() => {
    for (let i = 0; i < 14_000; i++) insert.run(payload);
  })();
  expect(walSizeOf(queue)).toBeGreaterThan(WAL_RESET_BYTES);

  const reader = new Database(join(dir, QUEUE_FILE));
  reader.exec("BEGIN");
  reader.query("SELECT count(*) FROM ingest_batches").get(); // holds a snapshot
  const marks = localQueueMarks(queue);
  marks.done([1, 2, 3]);
  expect(walSizeOf(queue)).toBeGreaterThan(WAL_RESET_BYTES); // the reader kept it
  reader.exec("COMMIT");

  // No further marks: only the retry can empty the WAL now.
  const deadline = Date.now() + 20_000;
  while (walSizeOf(queue) > WAL_RESET_BYTES && Date.now() < deadline) await Bun.sleep(20);
  expect(walSizeOf(queue)).toBeLessThanOrEqual(WAL_RESET_BYTES);
  expect(queue.query("SELECT count(*) AS n FROM ingest_batches").get()).toEqual({ n: 14_000 - 3 });
  reader.close();
  queue.close();
});
