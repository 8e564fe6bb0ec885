import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore, type Store } from "../../src/db/open";
import { JobQueue } from "../../src/jobs/queue";
import { JobRunner } from "../../src/jobs/runner";
import { tempDir } from "../helpers/server";

let store: Store | null = null;
let dir = "";
afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(): JobQueue {
  dir = tempDir("aurea-jobs-");
  store = openStore(dir);
  return new JobQueue(store.sqlite);
}

describe("job queue", () => {
  test("claims only due jobs, in order, and leases them", () => {
    const q = open();
    const a = q.enqueue("k", { n: 1 }, 1000);
    q.enqueue("k", { n: 2 }, 1000, { runAt: 5000 });
    const c = q.enqueue("k", { n: 3 }, 1000);
    const claimed = q.claim(2000, 10, 60_000);
    expect(claimed.map((j) => j.id)).toEqual([a, c]);
    expect(claimed[0]).toMatchObject({ status: "running", attempts: 1, lockedUntil: 62_000 });
    expect(q.claim(2000, 10, 60_000)).toEqual([]);
    expect(q.nextDueAt()).toBe(5000);
  });

  test("a job whose worker died is due again when its lease runs out", () => {
    const q = open();
    const id = q.enqueue("k", {}, 0);
    q.claim(0, 1, 1000);
    expect(q.claim(500, 1, 1000)).toEqual([]);
    const again = q.claim(1000, 1, 1000);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[id, 2]]);
  });

  test("retry, release, complete and fail", () => {
    const q = open();
    const id = q.enqueue("k", {}, 0);
    q.claim(0, 1, 1000);
    q.retry(id, 100, "HTTP 503", 10);
    expect(q.get(id)).toMatchObject({ status: "pending", runAt: 100, attempts: 1, lastError: "HTTP 503", lockedUntil: null });
    q.claim(100, 1, 1000);
    q.release(id, 150);
    expect(q.get(id)).toMatchObject({ status: "pending", runAt: 150, attempts: 1 });
    q.claim(150, 1, 1000);
    q.complete(id, 200);
    expect(q.get(id)?.status).toBe("done");
    const other = q.enqueue("k", {}, 0);
    q.claim(300, 1, 1000);
    q.fail(other, "gone", 300);
    expect(q.get(other)).toMatchObject({ status: "failed", lastError: "gone" });
    expect(q.countByStatus()).toEqual({ done: 1, failed: 1 });
  });

  test("enqueue joins the caller's transaction", () => {
    const q = open();
    expect(() =>
      store!.sqlite.transaction(() => {
        q.enqueue("k", {}, 0);
        throw new Error("rolled back");
      })(),
    ).toThrow("rolled back");
    expect(q.claim(0, 10, 1000)).toEqual([]);
  });
});

describe("job runner", () => {
  test("runs handlers concurrently, bounded, and writes each outcome", async () => {
    open();
    const runner = new JobRunner(store!.sqlite, { concurrency: 2, idlePollMs: 20 });
    let running = 0;
    let peak = 0;
    const outcomes: string[] = [];
    runner.register("slow", {
      async run(job) {
        running++;
        peak = Math.max(peak, running);
        await Bun.sleep(30);
        running--;
        outcomes.push(job.payload);
        return { kind: "done" };
      },
    });
    for (let i = 0; i < 5; i++) runner.queue.enqueue("slow", i, Date.now());
    runner.start();
    const deadline = Date.now() + 5000;
    while (outcomes.length < 5 && Date.now() < deadline) await Bun.sleep(10);
    await runner.stop();
    expect(outcomes.sort()).toEqual(["0", "1", "2", "3", "4"]);
    expect(peak).toBe(2);
    expect(runner.queue.countByStatus()).toEqual({ done: 5 });
  });

  test("a handler that throws is retried later; stop() releases aborted jobs", async () => {
    open();
    const runner = new JobRunner(store!.sqlite, { idlePollMs: 20, stopGraceMs: 50 });
    runner.register("boom", { run: () => { throw new Error("bug"); } });
    runner.register("hang", {
      run: (_job, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve({ kind: "release" }))),
    });
    const boom = runner.queue.enqueue("boom", {}, Date.now());
    const hang = runner.queue.enqueue("hang", {}, Date.now());
    runner.start();
    await Bun.sleep(100);
    await runner.stop();
    expect(runner.queue.get(boom)).toMatchObject({ status: "pending", lastError: "bug", attempts: 1 });
    expect(runner.queue.get(boom)!.runAt).toBeGreaterThan(Date.now());
    expect(runner.queue.get(hang)).toMatchObject({ status: "pending", attempts: 0, lockedUntil: null });
  });
});
