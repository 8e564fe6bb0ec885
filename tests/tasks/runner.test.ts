// The periodic task runner with an injected clock and timers: the test moves time and
// nothing waits for it. Then the real table in a running server, seen from /healthz
// and /metrics.
import { afterEach, describe, expect, test } from "bun:test";
import { TaskRunner, type Task, type TaskContext, type Timers } from "../../src/tasks/runner";
import { countEvents, insertEvent } from "../helpers/layout-rows";
import { createTestFunnel, startTestServer } from "../helpers/server";

/** Timers on a clock of the test's own: advance() fires what falls due, in order. */
class ManualTime implements Timers {
  now = 1_000_000;
  private pending = new Map<number, { at: number; fn: () => void }>();
  private ids = 0;

  set(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock by `ms`, firing each due timer at its own time and letting its run settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const next = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = end;
    await settle();
  }

  get planned(): number {
    return this.pending.size;
  }
}

/** Lets promise chains (a task's run, the runner's bookkeeping) finish. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function harness(tasks: Task[]) {
  const time = new ManualTime();
  const logs: string[] = [];
  const runner = new TaskRunner(tasks, { now: () => time.now, log: (l) => logs.push(l), timers: time });
  return { time, logs, runner };
}

const MIN = 60_000;

describe("schedules", () => {
  test("a fixed period counts from the end of the previous run; atStart runs one at once", async () => {
    const at: Record<string, number[]> = { first: [], later: [] };
    const { time, runner } = harness([
      { name: "first", everyMs: 10 * MIN, atStart: true, run: ({ now }) => void at.first.push(now()) },
      { name: "later", everyMs: 10 * MIN, run: ({ now }) => void at.later.push(now()) },
    ]);
    const t0 = time.now;
    runner.start();
    await time.advance(0);
    expect(at.first).toEqual([t0]);
    expect(at.later).toEqual([]);
    await time.advance(25 * MIN);
    expect(at.first).toEqual([t0, t0 + 10 * MIN, t0 + 20 * MIN]);
    expect(at.later).toEqual([t0 + 10 * MIN, t0 + 20 * MIN]);
    await runner.stop();
  });

  test("next(now, state) decides each run, from the task's own state", async () => {
    const seen: { at: number; runs: number }[] = [];
    const { time, runner } = harness([
      {
        name: "digests",
        next: (now, s) => (s.runs === 0 ? now + MIN : now + (s.runs + 1) * MIN),
        run: ({ now }) => void seen.push({ at: now(), runs: seen.length }),
      },
    ]);
    const t0 = time.now;
    runner.start();
    expect(runner.status()[0].nextAt).toBe(t0 + MIN);
    await time.advance(10 * MIN);
    // 1 min, then +2 (after one run), then +3, then +4: at 1, 3, 6, 10.
    expect(seen.map((s) => (s.at - t0) / MIN)).toEqual([1, 3, 6, 10]);
    await runner.stop();
  });

  test("reschedule() plans again after the due time changed outside the runner", async () => {
    let dueIn = 60 * MIN;
    const runs: number[] = [];
    const { time, runner } = harness([{ name: "t", next: (now) => now + dueIn, run: ({ now }) => void runs.push(now()) }]);
    const t0 = time.now;
    runner.start();
    dueIn = 5 * MIN;
    runner.reschedule("t");
    await time.advance(6 * MIN);
    expect(runs).toEqual([t0 + 5 * MIN]);
    await runner.stop();
  });
});

describe("failures", () => {
  test("are logged with the task's name (a repeated one once, and the recovery), kept in its status, and the task runs again on schedule", async () => {
    let fail: string | null = "database is locked";
    let runs = 0;
    const { time, runner, logs } = harness([
      {
        name: "delivery-log",
        everyMs: MIN,
        run: () => {
          runs++;
          if (fail) throw new Error(fail);
        },
      },
    ]);
    runner.start();
    await time.advance(2 * MIN);
    expect(runs).toBe(2);
    expect(logs).toEqual(["delivery-log: failed: database is locked"]);
    const failed = runner.status()[0];
    expect(failed).toMatchObject({ name: "delivery-log", runs: 2, failures: 2, lastFailed: true, lastError: "database is locked", lastErrorAt: time.now });

    fail = "disk I/O error";
    await time.advance(MIN);
    expect(logs).toEqual(["delivery-log: failed: database is locked", "delivery-log: failed: disk I/O error"]);

    fail = null;
    await time.advance(2 * MIN);
    expect(runner.status()[0]).toMatchObject({ runs: 5, failures: 3, lastFailed: false, lastFinishedAt: time.now });
    expect(logs).toEqual(["delivery-log: failed: database is locked", "delivery-log: failed: disk I/O error", "delivery-log: works again"]);
    await runner.stop();
  });

  test("an async failure (a rejected promise) counts the same", async () => {
    const { time, runner, logs } = harness([{ name: "backup", everyMs: MIN, run: async () => Promise.reject(new Error("disk full")) }]);
    runner.start();
    await time.advance(MIN);
    expect(logs).toEqual(["backup: failed: disk full"]);
    expect(runner.status()[0].lastFailed).toBe(true);
    await runner.stop();
  });
});

describe("one run at a time", () => {
  test("a run longer than the period is not started again until it finished", async () => {
    let open: () => void = () => {};
    let started = 0;
    const { time, runner } = harness([
      {
        name: "retention",
        everyMs: MIN,
        atStart: true,
        run: () => {
          started++;
          return new Promise<void>((r) => (open = r));
        },
      },
    ]);
    runner.start();
    await time.advance(10 * MIN);
    expect(started).toBe(1);
    expect(runner.status()[0]).toMatchObject({ running: true, nextAt: null });
    expect(time.planned).toBe(0);

    // Asked to run now while it runs: the same run is awaited, no second one starts.
    const again = runner.runNow("retention");
    expect(started).toBe(1);
    const finishedAt = time.now;
    open();
    await again;
    expect(runner.status()[0]).toMatchObject({ running: false, runs: 1, nextAt: finishedAt + MIN });
    await time.advance(MIN);
    expect(started).toBe(2);
    open();
    await runner.stop();
  });

  test("runNow runs an idle task at once and plans the next one from its end", async () => {
    const runs: number[] = [];
    const { time, runner } = harness([{ name: "alerts", everyMs: 5 * MIN, run: ({ now }) => void runs.push(now()) }]);
    const t0 = time.now;
    runner.start();
    await time.advance(2 * MIN);
    await runner.runNow("alerts");
    expect(runs).toEqual([t0 + 2 * MIN]);
    await time.advance(4 * MIN); // the planned run at t0+5 was replaced by t0+7
    expect(runs).toEqual([t0 + 2 * MIN]);
    await time.advance(MIN);
    expect(runs).toEqual([t0 + 2 * MIN, t0 + 7 * MIN]);
    await runner.stop();
  });
});

describe("stop", () => {
  test("aborts the signal of a running task, waits for it to end, and plans nothing more", async () => {
    let ctxSeen: TaskContext | null = null;
    let steps = 0;
    const { time, runner, logs } = harness([
      {
        name: "retention",
        everyMs: MIN,
        atStart: true,
        async run(ctx) {
          ctxSeen = ctx;
          // A chunked task: works until its signal says stop.
          while (!ctx.signal.aborted) {
            steps++;
            await settle();
          }
          throw new Error("stopped between chunks");
        },
      },
      { name: "idle", everyMs: MIN, run: () => {} },
    ]);
    runner.start();
    await time.advance(0);
    expect(steps).toBeGreaterThan(0);
    await runner.stop();
    expect(ctxSeen!.signal.aborted).toBe(true);
    expect(runner.status().map((s) => [s.name, s.running, s.nextAt])).toEqual([["retention", false, null], ["idle", false, null]]);
    expect(time.planned).toBe(0);
    // A failure caused by stopping is not an error worth a log line.
    expect(logs).toEqual([]);
    await time.advance(10 * MIN);
    expect(runner.status().map((s) => s.runs)).toEqual([1, 0]);
  });

  test("two tasks with one name, or a task without a schedule, are refused", () => {
    expect(() => new TaskRunner([{ name: "a", everyMs: 1, run: () => {} }, { name: "a", everyMs: 1, run: () => {} }])).toThrow('a task named "a"');
    expect(() => new TaskRunner([{ name: "b", run: () => {} }])).toThrow('task "b" needs everyMs or next()');
  });
});

describe("the server's table", () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  test("every task is planned; /healthz and /metrics report their last runs", async () => {
    const server = await startTestServer({ minFreeDisk: { bytes: 0 } });
    stop = () => server.stop();
    const names = server.running.tasks.status().map((t) => t.name);
    expect(names).toEqual(["retention", "digests", "alerts", "delivery-log", "jobs-purge"]);

    // Retention, digests and the job purge run at start.
    const deadline = Date.now() + 20_000;
    let body: any;
    for (;;) {
      body = await (await fetch(`${server.url}/healthz`)).json();
      const t = body.checks.tasks.tasks;
      if (t.retention.runs >= 1 && t.digests.runs >= 1 && t["jobs-purge"].runs >= 1) break;
      if (Date.now() > deadline) throw new Error(`tasks did not run at start: ${JSON.stringify(body.checks.tasks)}`);
      await Bun.sleep(20);
    }
    expect(body.checks.tasks.status).toBe("ok");
    expect(body.checks.tasks.tasks.alerts).toMatchObject({ runs: 0, failures: 0, running: false });
    expect(body.checks.tasks.tasks.alerts.nextAt).toBeGreaterThan(Date.now());

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('aurea_task_last_run_failed{task="retention"} 0');
    expect(metrics).toMatch(/aurea_task_last_run_age_seconds\{task="digests"\} \d/);
  });

  test("the retention row runs the module's pass: old events go, the line is logged", async () => {
    const server = await startTestServer();
    stop = () => server.stop();
    const { sqlite } = server.ctx.store;
    const retention = () => server.running.tasks.status().find((t) => t.name === "retention")!;
    // The pass at start finishes first, so the one asked for below sees the rows.
    for (const end = Date.now() + 20_000; retention().runs === 0; await Bun.sleep(10)) {
      if (Date.now() > end) throw new Error("retention did not run at start");
    }
    const funnel = createTestFunnel(server);
    const old = Date.now() - 40 * 86_400_000;
    sqlite.run("UPDATE funnels SET retention_days = 30 WHERE id = ?", [funnel.id]);
    insertEvent(sqlite, { funnel_id: funnel.id, id: "old", type: "page_view", name: "page_view", ts: old, anonymous_id: "a", session_id: "s" });
    const runsBefore = retention().runs;
    await server.running.tasks.runNow("retention");
    expect(countEvents(sqlite, funnel.id)).toBe(0);
    expect(server.logs).toContainEqual(expect.stringMatching(/^retention: deleted 1 events/));
    expect(retention().runs).toBe(runsBefore + 1);
  });

  test("with a processing thread, the checkpoint thread's period is a task reported beside the table", async () => {
    const server = await startTestServer({ processingThread: true, minFreeDisk: { bytes: 0 } });
    stop = () => server.stop();
    const deadline = Date.now() + 20_000;
    let tasks: any;
    do {
      if (Date.now() > deadline) throw new Error(`no checkpoint ran: ${JSON.stringify(tasks)}`);
      await Bun.sleep(20);
      tasks = ((await (await fetch(`${server.url}/healthz`)).json()) as any).checks.tasks.tasks;
    } while (!(tasks.checkpoint?.runs >= 2));
    expect(tasks.checkpoint).toMatchObject({ failures: 0 });
    expect(server.running.tasks.status().map((t) => t.name)).not.toContain("checkpoint");
  });
});
