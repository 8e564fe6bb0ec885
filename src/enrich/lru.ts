/**
 * Least-recently-used cache on a Map: a Map iterates in insertion order, so
 * re-inserting on every hit keeps the oldest entry first, ready for eviction.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private readonly max: number;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Lru max must be a positive integer, got ${max}`);
    this.max = max;
  }

  get(k: K): V | undefined {
    const v = this.map.get(k);
    // A stored undefined reads as a miss either way; a hit costs no has() first.
    if (v === undefined) return undefined;
    this.map.delete(k);
    this.map.set(k, v);
    return v;
  }

  set(k: K, v: V): void {
    if (this.map.has(k)) this.map.delete(k);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(k, v);
  }

  delete(k: K): void {
    this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}
