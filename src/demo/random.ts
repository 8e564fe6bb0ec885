// A small seeded PRNG, so demo data is the same on every run with the same seed.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: fast, good enough for fake traffic, not for anything secret. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Eight random hex digits. */
  hex8(): string {
    return ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, "0");
  }

  hex(chars: number): string {
    let out = "";
    while (out.length < chars) out += this.hex8();
    return out.slice(0, chars);
  }
}

/** Picks from [weight, value] pairs; the cumulative table is built once. */
export class Weighted<T> {
  private cumulative: number[] = [];
  private values: T[] = [];
  private total = 0;

  constructor(entries: readonly (readonly [number, T])[]) {
    for (const [w, v] of entries) {
      this.total += w;
      this.cumulative.push(this.total);
      this.values.push(v);
    }
  }

  pick(rng: Random): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}
