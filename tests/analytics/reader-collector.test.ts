// The reader thread's collector (src/analytics/reads/serve.ts): reads that follow each
// other back to back never leave the thread quiet, so a read that grew the heap a lot is
// collected at its end, before the next read adds its own peak; small reads are not.
import { expect, test } from "bun:test";
import { READER_COLLECT_GROWTH, readerCollector } from "../../src/analytics/reads/serve";

const MiB = 2 ** 20;

function fakeReader() {
  const s = { now: 0, heap: 4 * MiB, busy: 0, quiet: 0, released: 0 }; // an idle reader thread's heap
  const c = readerCollector(() => s.released++, {
    idleMs: 3_600_000, // ticks are driven by hand
    heapUsed: () => s.heap,
    collect: () => s.quiet++,
    busyCollect: () => {
      s.busy++;
      s.heap = 5 * MiB;
    },
    now: () => s.now,
  });
  // A read as serveReads answers one: active() when it starts and when its answer is sent.
  const read = (ms: number, grows: number) => {
    c.active();
    s.now += ms;
    s.heap += grows;
    c.active();
  };
  return { c, s, read };
}

test("a read that grew the heap past the bound is collected at its end, even the first after a quiet period", () => {
  const { c, s, read } = fakeReader();
  read(240, READER_COLLECT_GROWTH + 30 * MiB); // the 365-day overview
  expect(s.busy).toBe(1);
  read(330, 45 * MiB); // the funnel report right after it
  expect(s.busy).toBe(2);
  expect(s.heap).toBe(5 * MiB);
  c.stop();
});

test("small reads back to back are not collected each time; their growth adds up to one collection", () => {
  const { c, s, read } = fakeReader();
  for (let i = 0; i < 3; i++) read(8, 3 * MiB); // panels
  expect(s.busy).toBe(0);
  read(8, 3 * MiB);
  expect(s.busy).toBe(1); // 16 MiB in use
  for (let i = 0; i < 3; i++) read(8, 3 * MiB);
  expect(s.busy).toBe(1); // 14 MiB, 9 over what the collection left
  c.stop();
});

test("once quiet, the page cache is given back and the heap collected if it grew", () => {
  const { c, s, read } = fakeReader();
  read(8, 6 * MiB);
  c.tick(); // the read's own period: not quiet
  c.tick();
  expect(s.released).toBe(1);
  expect(s.quiet).toBe(1);
  expect(s.busy).toBe(0);
  c.stop();
});
