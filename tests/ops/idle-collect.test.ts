import { describe, expect, test } from "bun:test";
import { IdleCollector, type IdleCollectorOptions } from "../../src/ops/idle-collect";

const MiB = 2 ** 20;

describe("IdleCollector's rule", () => {
  function fake() {
    const state = { heap: 10 * MiB, collected: 0 };
    const c = new IdleCollector({
      idleMs: 3_600_000, // ticks are driven by hand
      growthBytes: 4 * MiB,
      heapUsed: () => state.heap,
      collect: () => {
        state.collected++;
        state.heap = 11 * MiB; // what was still in use
      },
    });
    return { c, state };
  }

  test("collects once a whole period passed without work and the heap grew", () => {
    const { c, state } = fake();
    state.heap = 60 * MiB;
    c.tick();
    expect(state.collected).toBe(1);
    expect(c.collections).toBe(1);
    // Measured again from what the collection left: no growth since, no collection.
    c.tick();
    expect(state.collected).toBe(1);
    c.stop();
  });

  test("never while work comes in: a period with work only restarts the wait", () => {
    const { c, state } = fake();
    state.heap = 60 * MiB;
    c.active();
    c.tick();
    expect(state.collected).toBe(0);
    c.active();
    c.tick();
    expect(state.collected).toBe(0);
    c.tick(); // a quiet period
    expect(state.collected).toBe(1);
    c.stop();
  });

  test("releases once per quiet period that follows work, grown heap or not", () => {
    let released = 0;
    const c = new IdleCollector({ idleMs: 3_600_000, heapUsed: () => MiB, collect: () => {}, release: () => released++ });
    c.tick(); // quiet from the start: nothing to give back
    expect(released).toBe(0);
    c.active();
    c.tick(); // work in the period
    expect(released).toBe(0);
    c.tick();
    expect(released).toBe(1);
    c.tick(); // still quiet: given back already
    expect(released).toBe(1);
    c.active();
    c.tick();
    c.tick();
    expect(released).toBe(2);
    c.stop();
  });

  test("not for growth under the threshold", () => {
    const { c, state } = fake();
    state.heap = 13 * MiB;
    c.tick();
    expect(state.collected).toBe(0);
    state.heap = 15 * MiB;
    c.tick();
    expect(state.collected).toBe(1);
    c.stop();
  });
});

/** A collector whose clock and heap the test drives: busy collections every 100 ms of work, each leaving 10 MiB. */
function busyFake(opts: IdleCollectorOptions = {}) {
  const s = { now: 0, heap: 10 * MiB, busy: 0, collected: 0, reads: 0 };
  const c = new IdleCollector({
    idleMs: 3_600_000, // ticks are driven by hand
    heapUsed: () => (s.reads++, s.heap),
    collect: () => s.collected++,
    busyCollectMs: 100,
    busyCollect: () => {
      s.busy++;
      s.heap = 10 * MiB; // what the collection left
    },
    now: () => s.now,
    ...opts,
  });
  return { c, s };
}

test("while work keeps coming, a collection at most every busyCollectMs, the first after that much work", () => {
  const { c, s } = busyFake();
  for (s.now = 0; s.now < 100; s.now += 10) c.active();
  expect(s.busy).toBe(0); // one request, or a short run, pays no collection
  s.now = 100;
  c.active();
  expect(s.busy).toBe(1);
  s.now = 150;
  c.active();
  expect(s.busy).toBe(1); // not again within 100 ms
  s.now = 260;
  c.active();
  expect(s.busy).toBe(2);
  // The busy collection never stands in for the full collection once quiet.
  s.heap = 60 * MiB;
  c.tick();
  expect(s.collected).toBe(0);
  c.tick();
  expect(s.collected).toBe(1);
  // After a quiet period, work starts a new wait: none at its first call.
  s.now = 10_000;
  c.active();
  expect(s.busy).toBe(2);
  s.now = 10_100;
  c.active();
  expect(s.busy).toBe(3);
  c.stop();
});

test("with busyCollectGrowth, a busy collection also waits for the heap to grow that much, reading it once per period", () => {
  const { c, s } = busyFake({ busyCollectGrowth: 8 * MiB });
  const readsBefore = s.reads;
  // Steady work whose garbage comes slowly: the time passes long before the heap grows.
  for (let i = 0; i < 100; i++, s.now += 10) c.active();
  expect(s.busy).toBe(1); // the first check finds 10 MiB over no baseline yet
  for (let i = 0; i < 50; i++, s.now += 10) {
    s.heap += MiB / 10;
    c.active();
  }
  expect(s.busy).toBe(1); // 5 MiB of growth: none
  expect(s.reads - readsBefore).toBeLessThanOrEqual(16); // once per 100 ms, not per call
  // A burst, 1 MiB per 5 ms for 500 ms: the first check finds 6 MiB, then time alone
  // holds the collections back, one per 100 ms.
  for (let i = 0; i < 100; i++, s.now += 5) {
    s.heap += MiB;
    c.active();
  }
  expect(s.busy).toBe(5);
  c.stop();
});

test("without busyCollectMs, work never starts a collection", () => {
  const { c, s } = busyFake({ busyCollectMs: undefined });
  for (; s.now < 100_000; s.now += 100) c.active();
  expect(s.busy).toBe(0);
  c.stop();
});

test("on a real heap: while work keeps coming, the busy collection gives back the garbage of work already done", () => {
  let now = 0;
  Bun.gc(true);
  const base = process.memoryUsage().heapUsed;
  // idle ticks never run here: only the busy collection can free the rows
  const c = new IdleCollector({ idleMs: 3_600_000, busyCollectMs: 100, now: () => now });
  let rows: unknown[] | null = Array.from({ length: 400_000 }, (_, i) => [`visitor-${i}`, i]);
  c.active();
  expect(process.memoryUsage().heapUsed - base).toBeGreaterThan(16 * MiB);
  rows = null;
  now = 100;
  c.active(); // synchronous: collected before it returns
  expect(rows).toBeNull();
  expect(process.memoryUsage().heapUsed - base).toBeLessThan(8 * MiB);
  c.stop();
});

test("on a real heap: the garbage of finished work is given back once the thread is quiet", async () => {
  Bun.gc(true);
  const base = process.memoryUsage().heapUsed;
  // The rows stay reachable until the quiet period's release drops them (as the reader's
  // spare rows are), so the runtime cannot collect them first and leave nothing to do.
  const held: { rows: unknown[] | null } = { rows: null };
  // Made before the work, as a thread makes it at its start: its baseline is the heap
  // without the rows. (Made after them, it took them for the baseline and never collected.)
  const c = new IdleCollector({ idleMs: 50, growthBytes: 8 * MiB, release: () => (held.rows = null) });
  held.rows = Array.from({ length: 400_000 }, (_, i) => [`visitor-${i}`, i]);
  c.active();
  const grown = process.memoryUsage().heapUsed;
  expect(grown - base).toBeGreaterThan(12 * MiB);
  const deadline = Date.now() + 30_000;
  while (c.collections === 0 && Date.now() < deadline) await Bun.sleep(20);
  c.stop();
  expect(held.rows).toBeNull();
  expect(c.collections).toBe(1);
  // At least half of what the work added is given back (a conservative collector may keep a little).
  expect(process.memoryUsage().heapUsed).toBeLessThan(base + (grown - base) / 2);
});
