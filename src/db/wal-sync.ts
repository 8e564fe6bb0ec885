// Makes every commit written so far to a WAL-mode database durable with one fsync of
// its WAL file. Commits made with synchronous=NORMAL are written but not fsynced; one
// fsync then covers all of them, and the async form runs on Bun's I/O pool, so the
// thread that committed goes on working while the disk flushes.
import { closeSync, fsync, fsyncSync, openSync } from "node:fs";

function walFile(dbPath: string): number | null {
  try {
    return openSync(`${dbPath}-wal`, "r");
  } catch (e) {
    // No WAL file: nothing was written since the last checkpoint reset it.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

export function syncWal(dbPath: string): void {
  const fd = walFile(dbPath);
  if (fd === null) return;
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function syncWalAsync(dbPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = walFile(dbPath);
    if (fd === null) return resolve();
    fsync(fd, (e) => {
      closeSync(fd);
      if (e) reject(e);
      else resolve();
    });
  });
}
