// The visitors of each rolled-up UTC hour (rollup_visitors): distinct visitors keys,
// ascending, as 4-byte little-endian integers. Distinct counts are not additive, so a
// range's count is the size of the union of its hours' sets (plus what is read live):
// the keys are gathered into one typed array, sorted natively and counted once each.
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
    const all = new VisitorBag();
    for (const [k, b] of this.bags) {
      perKey.set(k, b.distinct());
      all.addBag(b);
    }
    return { perKey, total: all.distinct() };
  }
}

/**
 * Calls `each(hourStartMs, blob)` for every rolled-up hour of the span that had visits;
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
            "SELECT hour, visitors FROM rollup_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ?",
          )
          .iterate(...hours)
      : sqlite
          .query<{ hour: number; visitors: Uint8Array }, [string, number, number, string]>(
            "SELECT hour, visitors FROM rollup_page_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ? AND path = ?",
          )
          .iterate(...hours, page);
  for (const r of rows) each(r.hour * HOUR_MS, r.visitors);
}
