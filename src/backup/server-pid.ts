// DATA/aurea.pid: which process serves a data directory. Written by `aurea serve` at
// start and removed when it stops; restore refuses while the process it names lives.
// A pid file left by a crash names a process that is gone (or, in a container where
// every process is pid 1, this very process), and is then ignored.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PID_FILE = "aurea.pid";

export function writePidFile(dataDir: string): () => void {
  const path = join(dataDir, PID_FILE);
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    // Only our own: a second server started on the same directory may have replaced it.
    if (servingPid(dataDir) === process.pid) rmSync(path, { force: true });
  };
}

function servingPid(dataDir: string): number | null {
  const path = join(dataDir, PID_FILE);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** The pid of a live server on dataDir, or null. */
export function runningServerPid(dataDir: string): number | null {
  const pid = servingPid(dataDir);
  if (pid === null || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: it lives, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}
