// The reader thread runs its reports at a lower CPU priority than the thread that
// accepts events: on Linux, only that thread's niceness changes, read from /proc.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ThreadReads } from "../../src/analytics/reads/thread-reads";
import { openStore } from "../../src/db/open";

/** Niceness of each thread of this process, by thread id (field 19 of /proc/…/stat). */
function niceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
  }
  return out;
}

describe.if(process.platform === "linux")("reader thread priority", () => {
  test("a reader thread is niced to 10; the thread accepting events is not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aurea-priority-"));
    const store = openStore(dir);
    const before = niceness();
    const logs: string[] = [];
    const reads = await ThreadReads.start({ path: store.path, threads: 1, budgetMs: 10_000, autocheckpoint: false, log: (m) => logs.push(m) });
    try {
      const added = [...niceness()].filter(([tid]) => !before.has(tid));
      expect(added.some(([, nice]) => nice === 10)).toBe(true);
      expect(niceness().get(process.pid)).toBe(before.get(process.pid)!);
      expect(logs.filter((l) => l.includes("priority"))).toEqual([]);
    } finally {
      await reads.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
