// The funnel report's journey rows, held column by column in typed arrays while they
// are read, then walked one visitor at a time in (visitor, ts, row id) order. A row
// costs ~50 bytes here, against a JavaScript array of cells in a Map of every
// visitor's rows (hundreds of MiB for a month of a 10M-event funnel), and the
// grouping is one native sort of numbers.

/** One row as the journey SQL names its columns (journey-sql.ts, rollup-sql.ts). */
export interface JourneyRow {
  /** contact_id (> 0) when known, else minus the visitors key (< 0). */
  k: number;
  ts: number;
  r: number;
  /** Step bits. */
  m: number;
  rv: number | null;
  cur: string | null;
  props?: string | null;
  dim?: string | null;
  brk?: number;
}

/** Which optional columns the query reads. */
export interface RowShape {
  props: boolean;
  dim: boolean;
  brk: boolean;
}

const NONE = -1;

/** Strings stored once, rows hold their index (NONE for null). */
class Interned {
  readonly values: string[] = [];
  private ids = new Map<string, number>();
  id(v: string | null | undefined): number {
    if (v === null || v === undefined) return NONE;
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.ids.set(v, i);
    }
    return i;
  }
  value(i: number): string | null {
    return i === NONE ? null : this.values[i];
  }
}

/** The column arrays, grown together. */
interface Columns {
  key: Float64Array;
  ts: Float64Array;
  rowId: Float64Array;
  mask: Int32Array;
  revenue: Float64Array;
  currency: Int32Array;
  dim: Int32Array;
  brk: Uint8Array;
}

function columns(size: number): Columns {
  return {
    key: new Float64Array(size), ts: new Float64Array(size), rowId: new Float64Array(size), mask: new Int32Array(size),
    revenue: new Float64Array(size), currency: new Int32Array(size), dim: new Int32Array(size), brk: new Uint8Array(size),
  };
}

/**
 * The arrays of this thread's last finished load, taken by the next: a month of a
 * 10M-event funnel is ~400k rows (~28 MiB), and allocating and growing them again
 * cost ~40 ms a load, mostly the system zeroing fresh pages.
 */
let spare: Columns | null = null;

/** Drops the spare arrays (the thread is quiet). */
export function releaseSpareRows(): void {
  spare = null;
}

export class JourneyRows implements Columns {
  n = 0;
  key: Float64Array;
  ts: Float64Array;
  rowId: Float64Array;
  mask: Int32Array;
  /** NaN: none. */
  revenue: Float64Array;
  currency: Int32Array;
  dim: Int32Array;
  brk: Uint8Array;
  /** Props are only read for rows that may hit a step with `where`: few, kept by row. */
  props = new Map<number, string>();
  readonly currencies = new Interned();
  readonly dims = new Interned();

  constructor(readonly shape: RowShape) {
    const c = spare ?? columns(1024);
    spare = null;
    this.key = c.key;
    this.ts = c.ts;
    this.rowId = c.rowId;
    this.mask = c.mask;
    this.revenue = c.revenue;
    this.currency = c.currency;
    this.dim = c.dim;
    this.brk = c.brk;
  }

  /** The rows are no longer read: the next load on this thread may take the arrays. */
  recycle(): void {
    if (spare && spare.key.length >= this.key.length) return;
    const { key, ts, rowId, mask, revenue, currency, dim, brk } = this;
    spare = { key, ts, rowId, mask, revenue, currency, dim, brk };
  }

  push(r: JourneyRow): void {
    if (this.n === this.key.length) this.grow();
    const i = this.n++;
    this.key[i] = r.k;
    this.ts[i] = r.ts;
    this.rowId[i] = r.r;
    this.mask[i] = r.m;
    this.revenue[i] = r.rv ?? Number.NaN;
    this.currency[i] = this.currencies.id(r.cur);
    this.dim[i] = this.shape.dim ? this.dims.id(r.dim) : NONE;
    this.brk[i] = this.shape.brk && r.brk === 1 ? 1 : 0;
    if (this.shape.props && r.props) this.props.set(i, r.props);
  }

  private grow(): void {
    const size = this.key.length * 2;
    const bigger = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      // Copied as bytes: a Float64Array's own set() goes value by value, ~10 times slower.
      new Uint8Array(b.buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return b;
    };
    this.key = bigger(this.key);
    this.ts = bigger(this.ts);
    this.rowId = bigger(this.rowId);
    this.mask = bigger(this.mask);
    this.revenue = bigger(this.revenue);
    this.currency = bigger(this.currency);
    this.dim = bigger(this.dim);
    this.brk = bigger(this.brk);
  }

  /** Row indexes by visitor key, ties in arrival order: each visitor's rows are one run. */
  private byVisitor(): Int32Array {
    const n = this.n;
    const order = new Int32Array(n);
    if (!n) return order;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (this.key[i] < min) min = this.key[i];
      if (this.key[i] > max) max = this.key[i];
    }
    const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const scale = 2 ** bits;
    if ((max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
      // (key, index) packed into one exact double: a native numeric sort.
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = (this.key[i] - min) * scale + i;
      packed.sort();
      for (let i = 0; i < n; i++) order[i] = packed[i] % scale;
      return order;
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => this.key[a] - this.key[b] || a - b);
    order.set(idx);
    return order;
  }

  /**
   * The rows by visitor, in key order: visitor g's row indexes are
   * order[starts[g]] … order[starts[g + 1] - 1], in (ts, row id) order.
   */
  grouped(): { order: Int32Array; starts: Int32Array } {
    const order = this.byVisitor();
    const starts: number[] = [];
    const { key, ts, rowId } = this;
    const later = (a: number, b: number) => ts[a] > ts[b] || (ts[a] === ts[b] && rowId[a] > rowId[b]);
    for (let start = 0; start < order.length; ) {
      starts.push(start);
      const k = key[order[start]];
      let end = start + 1;
      let sorted = true;
      for (; end < order.length && key[order[end]] === k; end++) if (sorted && later(order[end - 1], order[end])) sorted = false;
      if (!sorted) {
        const copy = Array.from(order.subarray(start, end));
        copy.sort((a, b) => ts[a] - ts[b] || rowId[a] - rowId[b]);
        order.set(copy, start);
      }
      start = end;
    }
    starts.push(order.length);
    return { order, starts: Int32Array.from(starts) };
  }
}
