// Distinct visitors of several hours' sets: each bucket's count and the union's, whether
// the union goes through a bitmap (dense keys) or a sort (keys spread too far for one).
import { expect, test } from "bun:test";
import { BucketedVisitors, encodeVisitors, KeySet, OrderedBucketVisitors, VisitorBag } from "../../src/store/sqlite/rollups/visitor-sets";
import { rng } from "../steps/journey-helpers";

type Buckets = { bag(key: number): VisitorBag; counts(): { perKey: Map<number, number>; total: number } };

/**
 * 3,000 keys into buckets, half from blobs (the hours' sets), half one by one (read live),
 * each count checked against Sets. `next(bucket, r)` picks each key's bucket, `key(bucket, r)` its key.
 */
function checkCounts(make: () => Buckets, next: (bucket: number, r: ReturnType<typeof rng>) => number, key: (bucket: number, r: ReturnType<typeof rng>) => number) {
  for (let seed = 1; seed <= 10; seed++) {
    const r = rng(seed);
    const buckets = make();
    const want = new Map<number, Set<number>>();
    const all = new Set<number>();
    let bucket = 0;
    for (let i = 0; i < 3000; i++) {
      bucket = next(bucket, r);
      const k = key(bucket, r);
      if (r.next() < 0.5) buckets.bag(bucket).add(k);
      else buckets.bag(bucket).addBlob(encodeVisitors([k, k]));
      if (!want.has(bucket)) want.set(bucket, new Set());
      want.get(bucket)!.add(k);
      all.add(k);
    }
    const { perKey, total } = buckets.counts();
    expect(total).toBe(all.size);
    expect(Object.fromEntries(perKey)).toEqual(Object.fromEntries([...want].map(([k, v]) => [k, v.size])));
  }
}

test.each([
  ["dense keys (bitmap)", 5_000],
  ["keys spread over 2^30 (sorted)", 2 ** 30],
])("%s: per bucket and in all, each key once", (_name, spread) => {
  checkCounts(() => new BucketedVisitors(), (_b, r) => r.int(12), (_b, r) => 1 + Math.floor(r.next() * spread));
});

test("a dense bag counts through a bitmap and keeps its keys; distinct() sorts them", () => {
  const bag = new VisitorBag();
  for (const k of [9, 3, 9, 31, 32, 33, 3]) bag.add(k);
  expect(bag.count()).toBe(5);
  expect(Array.from(bag.added())).toEqual([9, 3, 9, 31, 32, 33, 3]);
  expect(bag.distinct()).toBe(5);
  expect([0, 1, 2, 3, 4].map((i) => bag.at(i))).toEqual([3, 9, 31, 32, 33]);
  expect(new BucketedVisitors().counts()).toEqual({ perKey: new Map(), total: 0 });
});

test.each([
  ["dense keys", 5_000],
  ["keys spread over 2^30 (the range's set spills into a sort)", 2 ** 30],
])("buckets fed in time order, %s: per bucket and in all, each key once", (_name, spread) => {
  checkCounts(
    () => new OrderedBucketVisitors(),
    // Buckets only move forward, some stay empty.
    (b, r) => (r.next() < 0.02 ? b + 1 + r.int(3) : b),
    // Drifting keys: later buckets reach both older and newer visitors, so the set grows both ways.
    (b, r) => Math.floor((r.next() - 0.5) * spread * (1 + b / 20)),
  );
});

test("a bucket that comes back after the next started is refused, not miscounted", () => {
  const buckets = new OrderedBucketVisitors();
  buckets.bag(1).add(5);
  buckets.bag(2).add(6);
  buckets.bag(1).add(7);
  expect(() => buckets.counts()).toThrow(/out of time order/);
});

test("the range's key set grows down and up, and spills into a sort past the bitmap's bound", () => {
  const set = new KeySet();
  const want = new Set<number>();
  const add = (keys: number[]) => {
    set.addAll(Int32Array.from(keys));
    for (const k of keys) want.add(k);
    expect(set.size()).toBe(want.size);
  };
  add([1000, 1001, 1000]);
  add([-40, 5, 999]); // below the first bit
  add([70_000, 1001]); // above the last
  add([-3_000_000, 3_000_000]);
  add([2 ** 30, -(2 ** 30), 5, 1000]); // too wide for a bitmap: kept in a bag
  add([7, 2 ** 30]);
  expect(new KeySet().size()).toBe(0);
});
