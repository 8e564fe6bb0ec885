// The funnel report's journey rows, held column by column in typed arrays while they
// are read, then walked one visitor at a time in (visitor, ts, row id) order. A row
// costs ~30 bytes here, against a JavaScript array of cells in a Map of every
// visitor's rows (hundreds of MiB for a month of a 10M-event funnel), and the
// grouping is two native sorts of numbers.

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

/** The column arrays, grown together. `dim` is empty unless the query reads a breakdown. */
interface Columns {
  key: Float64Array;
  ts: Float64Array;
  rowId: Float64Array;
  mask: Int32Array;
  /** BREAKS | PAID */
  flags: Uint8Array;
  dim: Int32Array;
}

const BREAKS = 1;
const PAID = 2;

function columns(size: number, dim: boolean): Columns {
  return {
    key: new Float64Array(size), ts: new Float64Array(size), rowId: new Float64Array(size), mask: new Int32Array(size),
    flags: new Uint8Array(size), dim: new Int32Array(dim ? size : 0),
  };
}

/**
 * Fresh memory is what a load costs most on a small VM: the first write to each page
 * faults (measured here: ~3 ms per MiB, so ~400k rows of a month at 10M events cost
 * more to place than to sort). So a row is 29 bytes (37 with a breakdown); the arrays
 * start at the size of this thread's last load (allocated, not yet touched, they cost
 * nothing); and the next load on this thread (a report's previous period, the next
 * funnel report) takes the arrays of the last, until the thread does something else
 * (src/analytics/reads/serve.ts).
 */
let spare: Columns | null = null;
let lastRows = 0;

/** Drops the spare arrays. */
export function releaseSpareRows(): void {
  spare = null;
}

export class JourneyRows implements Columns {
  n = 0;
  key: Float64Array;
  ts: Float64Array;
  rowId: Float64Array;
  mask: Int32Array;
  flags: Uint8Array;
  dim: Int32Array;
  /** Props are only read for rows that may hit a step with `where`: few, kept by row. */
  props = new Map<number, string>();
  /** Revenue (minor units, NaN: none) and currency of the few rows that carry either (flag PAID). */
  private paid = new Map<number, { minor: number; currency: number }>();
  readonly currencies = new Interned();
  readonly dims = new Interned();

  constructor(readonly shape: RowShape) {
    let c = spare;
    spare = null;
    if (!c) c = columns(Math.max(1024, 2 ** Math.ceil(Math.log2(lastRows + 1))), shape.dim);
    else if (shape.dim && c.dim.length < c.key.length) c = { ...c, dim: new Int32Array(c.key.length) };
    this.key = c.key;
    this.ts = c.ts;
    this.rowId = c.rowId;
    this.mask = c.mask;
    this.flags = c.flags;
    this.dim = c.dim;
  }

  /** The rows are no longer read: the next load on this thread may take the arrays. */
  recycle(): void {
    lastRows = this.n;
    if (spare && spare.key.length >= this.key.length) return;
    const { key, ts, rowId, mask, flags, dim } = this;
    spare = { key, ts, rowId, mask, flags, dim };
  }

  push(r: JourneyRow): void {
    if (this.n === this.key.length) this.grow();
    const i = this.n++;
    this.key[i] = r.k;
    this.ts[i] = r.ts;
    this.rowId[i] = r.r;
    this.mask[i] = r.m;
    let flags = this.shape.brk && r.brk === 1 ? BREAKS : 0;
    if (r.rv !== null || r.cur !== null) {
      flags |= PAID;
      this.paid.set(i, { minor: r.rv ?? Number.NaN, currency: this.currencies.id(r.cur) });
    }
    this.flags[i] = flags;
    if (this.shape.dim) this.dim[i] = this.dims.id(r.dim);
    if (this.shape.props && r.props) this.props.set(i, r.props);
  }

  breaks(i: number): boolean {
    return (this.flags[i] & BREAKS) !== 0;
  }

  /** Minor units; NaN: none. */
  revenue(i: number): number {
    return this.flags[i] & PAID ? this.paid.get(i)!.minor : Number.NaN;
  }

  /** An index into `currencies`; -1: none. */
  currency(i: number): number {
    return this.flags[i] & PAID ? this.paid.get(i)!.currency : NONE;
  }

  /** An index into `dims`; -1: none or no breakdown. */
  dimOf(i: number): number {
    return this.shape.dim ? this.dim[i] : NONE;
  }

  private grow(): void {
    const size = this.key.length * 2;
    const bigger = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      if (!a.length) return a;
      const b = new (a.constructor as new (n: number) => T)(size);
      // Copied as bytes: a Float64Array's own set() goes value by value, ~10 times slower.
      new Uint8Array(b.buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return b;
    };
    this.key = bigger(this.key);
    this.ts = bigger(this.ts);
    this.rowId = bigger(this.rowId);
    this.mask = bigger(this.mask);
    this.flags = bigger(this.flags);
    this.dim = bigger(this.dim);
  }

  /**
   * The rows in (ts, index) order: the row at each position, and each row's position.
   * Null when (ts, index) would not pack into an exact double (years of millions of rows).
   */
  private timeOrder(): { rows: Int32Array; rank: Int32Array } | null {
    const n = this.n;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (this.ts[i] < min) min = this.ts[i];
      if (this.ts[i] > max) max = this.ts[i];
    }
    const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
    if (!n || (max - min + 1) * scale > Number.MAX_SAFE_INTEGER) return null;
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (this.ts[i] - min) * scale + i;
    packed.sort();
    const rows = new Int32Array(n);
    const rank = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const i = packed[p] % scale;
      rows[p] = i;
      rank[i] = p;
    }
    return { rows, rank };
  }

  /**
   * Row indexes by visitor key, each visitor's rows one run; within it in time order when
   * `time` is given (ties of ts in arrival order), else in arrival order.
   */
  private byVisitor(time: { rows: Int32Array; rank: Int32Array } | null): Int32Array {
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
    const tie = time ? time.rank : null;
    if ((max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
      // (key, position) packed into one exact double: a native numeric sort.
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = (this.key[i] - min) * scale + (tie ? tie[i] : i);
      packed.sort();
      for (let p = 0; p < n; p++) {
        const v = packed[p] % scale;
        order[p] = time ? time.rows[v] : v;
      }
      return order;
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => this.key[a] - this.key[b] || (tie ? tie[a] - tie[b] : a - b));
    order.set(idx);
    return order;
  }

  /**
   * The rows by visitor, in key order: visitor g's row indexes are
   * order[starts[g]] … order[starts[g + 1] - 1], in (ts, row id) order.
   */
  grouped(): { order: Int32Array; starts: Int32Array } {
    // Two native sorts, by time then by visitor, leave only ties of ts to put in row id order.
    const order = this.byVisitor(this.timeOrder());
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
