// The visitors of each rolled-up UTC hour (rollup_visitors): distinct visitors keys,
// ascending, as 4-byte little-endian integers. Distinct counts are not additive, so a
// range's count is the size of the union of its hours' sets (plus what is read live):
// the keys are gathered into typed arrays and counted once each, in a bitmap over the
// keys' range (visitors keys are dense: a year of a 10M-event funnel, 3M keys, is a
// 300 KB bitmap instead of a 12 MB array to sort).
import type { Database } from "bun:sqlite";
import { HOUR_MS } from "../../../analytics/timezone";
import type { Span } from "./read";

/** Keys (any order, repeats allowed) → the blob: distinct, ascending. */
export function encodeVisitors(keys: number[]): Uint8Array {
  const bag = new VisitorBag();
  for (const k of keys) bag.add(k);
  const n = bag.distinct();
  const out = new Uint8Array(n * 4);
  const view = new DataView(out.buffer); // little-endian, whatever the machine
  for (let i = 0; i < n; i++) view.setInt32(i * 4, bag.at(i), true);
  return out;
}

/** A growing bag of visitors keys; `distinct()` counts each key once. */
export class VisitorBag {
  private keys = new Int32Array(256);
  private n = 0;

  add(key: number): void {
    if (this.n === this.keys.length) this.grow(this.n + 1);
    this.keys[this.n++] = key;
  }

  addBlob(blob: Uint8Array): void {
    const count = blob.byteLength >> 2;
    if (this.n + count > this.keys.length) this.grow(this.n + count);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let i = 0; i < count; i++) this.keys[this.n++] = view.getInt32(i * 4, true);
  }

  addBag(other: VisitorBag): void {
    if (this.n + other.n > this.keys.length) this.grow(this.n + other.n);
    this.keys.set(other.keys.subarray(0, other.n), this.n);
    this.n += other.n;
  }

  /** The i-th key (ascending once distinct() ran). */
  at(i: number): number {
    return this.keys[i];
  }

  /** How many distinct keys there are (the bag may be left sorted, without repeats). */
  count(): number {
    const map = bitmapOver([this]);
    if (!map) return this.distinct();
    map.mark(this.added());
    return map.size();
  }

  /** Empties the bag, keeping its array for the next keys. */
  clear(): void {
    this.n = 0;
  }

  /** Keys in order of addition (repeats allowed). */
  added(): Int32Array {
    return this.keys.subarray(0, this.n);
  }

  /** Sorts the keys in place and drops repeats; returns how many distinct there are. */
  distinct(): number {
    const keys = this.keys.subarray(0, this.n).sort();
    let n = 0;
    for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[n++] = keys[i];
    this.n = n;
    return n;
  }

  private grow(min: number): void {
    let size = this.keys.length * 2;
    while (size < min) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(this.keys.subarray(0, this.n));
    this.keys = bigger;
  }
}

/** Visitors by bucket: each bucket's distinct count, and the whole range's. */
export class BucketedVisitors {
  private bags = new Map<number, VisitorBag>();

  bag(key: number): VisitorBag {
    let b = this.bags.get(key);
    if (!b) this.bags.set(key, (b = new VisitorBag()));
    return b;
  }

  counts(): { perKey: Map<number, number>; total: number } {
    const perKey = new Map<number, number>();
    const bags = [...this.bags.values()];
    const map = bitmapOver(bags);
    const all = map ? null : new VisitorBag();
    for (const [k, b] of this.bags) {
      perKey.set(k, b.count());
      if (map) map.mark(b.added());
      else all!.addBag(b);
    }
    return { perKey, total: map ? map.size() : all!.distinct() };
  }
}

/**
 * Visitors by bucket, fed in time order (a bucket never comes back once the next has
 * started): only the bucket being filled is held. Each is counted when the next starts
 * and marked in one bitmap of the range's visitors. For a 365-day overview at 10M events,
 * holding every hour's keys until the end took the reader about 70 MiB outside its heap
 * (docs/performance.md, "The dashboard's memory").
 */
export class OrderedBucketVisitors {
  private perKey = new Map<number, number>();
  private current = new VisitorBag();
  private key: number | null = null;
  private all = new KeySet();

  /** The bag of bucket `key`; a key other than the last closes the last. */
  bag(key: number): VisitorBag {
    if (key !== this.key) {
      this.close();
      this.key = key;
    }
    return this.current;
  }

  counts(): { perKey: Map<number, number>; total: number } {
    this.close();
    return { perKey: this.perKey, total: this.all.size() };
  }

  private close(): void {
    if (this.key === null) return;
    if (this.perKey.has(this.key)) throw new Error(`visitors of bucket ${this.key} came out of time order`);
    this.perKey.set(this.key, this.current.count());
    this.all.addAll(this.current.added());
    this.current.clear();
    this.key = null;
  }
}

/**
 * Distinct keys in a bitmap that grows to the range of the keys added, or, when that
 * range passes MAX_BITMAP_KEYS, in a bag sorted once at the end.
 */
export class KeySet {
  /** Starts on a multiple of 32, so that a grown bitmap takes the words of the last as they are. */
  private map: KeyBitmap | null = null;
  private spill: VisitorBag | null = null;

  addAll(keys: Int32Array): void {
    if (!keys.length) return;
    if (!this.spill) {
      let min = keys[0];
      let max = keys[0];
      for (const k of keys) {
        if (k < min) min = k;
        if (k > max) max = k;
      }
      if (this.cover(min, max)) return this.map!.mark(keys);
      this.spillOut();
    }
    for (const k of keys) this.spill!.add(k);
  }

  size(): number {
    if (this.spill) return this.spill.distinct();
    return this.map ? this.map.size() : 0;
  }

  /** Grows the bitmap to cover min..max; false when that would be too many keys. */
  private cover(min: number, max: number): boolean {
    const map = this.map;
    if (map && min >= map.min && max < map.end) return true;
    const lo = floor32(map ? Math.min(min, map.min) : min);
    const hi = map ? Math.max(max + 1, map.end) : max + 1;
    if (hi - lo > MAX_BITMAP_KEYS) return false;
    // Twice what is needed (capped), the spare room on the side that grew: a range built
    // up bucket by bucket is copied a few times, not once a bucket.
    const span = Math.min(MAX_BITMAP_KEYS, 2 * (hi - lo));
    const start = map && min < map.min ? floor32(hi - span) : lo;
    const grown = new KeyBitmap(start, Math.max(hi, start + span) - start);
    if (map) grown.bits.set(map.bits, (map.min - start) / 32);
    this.map = grown;
    return true;
  }

  private spillOut(): void {
    const bag = new VisitorBag();
    const map = this.map;
    if (map) {
      for (let w = 0; w < map.bits.length; w++) {
        for (let bits = map.bits[w]; bits !== 0; bits &= bits - 1) bag.add(map.min + w * 32 + (31 - Math.clz32(bits & -bits)));
      }
    }
    this.map = null;
    this.spill = bag;
  }
}

const floor32 = (k: number) => Math.floor(k / 32) * 32;

/** Never a bitmap over more keys than this (16 MiB). */
const MAX_BITMAP_KEYS = 2 ** 27;

/**
 * A bitmap over the range of the bags' keys, when that range is no larger than the keys
 * themselves (32 bits a key); null when they are too spread (then they are sorted).
 */
function bitmapOver(bags: VisitorBag[]): KeyBitmap | null {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (const b of bags) {
    const keys = b.added();
    n += keys.length;
    for (const k of keys) {
      if (k < min) min = k;
      if (k > max) max = k;
    }
  }
  if (min > max) return new KeyBitmap(0, 0);
  return max - min < Math.min(MAX_BITMAP_KEYS, 32 * n) ? new KeyBitmap(min, max - min + 1) : null;
}

class KeyBitmap {
  readonly bits: Uint32Array;

  constructor(
    readonly min: number,
    size: number,
  ) {
    this.bits = new Uint32Array((size + 31) >>> 5);
  }

  /** The first key past the bitmap. */
  get end(): number {
    return this.min + this.bits.length * 32;
  }

  mark(keys: Int32Array): void {
    const { bits, min } = this;
    for (const k of keys) {
      const d = k - min;
      bits[d >>> 5] |= 1 << (d & 31);
    }
  }

  /** Bits set (SWAR popcount, word by word). */
  size(): number {
    let n = 0;
    for (let w of this.bits) {
      w -= (w >>> 1) & 0x55555555;
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      n += Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return n;
  }
}

/**
 * Calls `each(hourStartMs, blob)` for every rolled-up hour of the span that had visits, in order;
 * with `page`, only for the visits that viewed that page (rollup_page_visitors).
 */
export function rolledVisitorHours(
  sqlite: Database,
  funnelId: string,
  span: Span,
  page: string | null,
  each: (at: number, blob: Uint8Array) => void,
): void {
  const hours = [funnelId, span.from / HOUR_MS, span.to / HOUR_MS] as const;
  const rows =
    page === null
      ? sqlite
          .query<{ hour: number; visitors: Uint8Array }, [string, number, number]>(
            "SELECT hour, visitors FROM rollup_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ? ORDER BY hour",
          )
          .iterate(...hours)
      : sqlite
          .query<{ hour: number; visitors: Uint8Array }, [string, number, number, string]>(
            "SELECT hour, visitors FROM rollup_page_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ? AND path = ? ORDER BY hour",
          )
          .iterate(...hours, page);
  for (const r of rows) each(r.hour * HOUR_MS, r.visitors);
}
