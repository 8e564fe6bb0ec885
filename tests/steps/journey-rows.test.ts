// Journey rows grouped by visitor in (ts, row id) order, whichever way the sort goes:
// packed into exact doubles (a month of rows), or by comparison (a span too long to pack).
import { expect, test } from "bun:test";
import { JourneyRows } from "../../src/store/sqlite/journeys/journey-rows";
import { rng } from "./journey-helpers";

function rowsOf(seed: number, n: number, span: number): JourneyRows {
  const r = rng(seed);
  const rows = new JourneyRows({ props: false, dim: false, brk: true });
  for (let i = 0; i < n; i++) {
    // Few visitors and coarse times: many ties of ts within a visitor, and the same event twice.
    const k = r.int(40) - 20 || 7;
    const ts = 1_700_000_000_000 + r.int(50) * Math.floor(span / 50);
    rows.push({ k, ts, r: 1000 + r.int(n), m: 1 << r.int(3), rv: r.next() < 0.1 ? r.int(500) : null, cur: null, brk: r.int(2) });
  }
  return rows;
}

function expected(rows: JourneyRows): number[][] {
  const idx = Array.from({ length: rows.n }, (_, i) => i);
  idx.sort((a, b) => rows.key[a] - rows.key[b] || rows.ts[a] - rows.ts[b] || rows.rowId[a] - rows.rowId[b]);
  const groups: number[][] = [];
  for (const i of idx) {
    const last = groups.at(-1);
    if (last && rows.key[last[0]] === rows.key[i]) last.push(i);
    else groups.push([i]);
  }
  // Rows equal in key, ts and row id may come in any order: compared by their values.
  return groups.map((g) => g.map((i) => rows.ts[i] * 1e6 + rows.rowId[i]));
}

test.each([
  ["a month (packed)", 30 * 86_400_000],
  ["3,000 years (too long to pack)", 3000 * 365 * 86_400_000],
])("%s: each visitor one run, in (ts, row id) order", (_name, span) => {
  for (let seed = 1; seed <= 20; seed++) {
    const rows = rowsOf(seed, 200 + seed * 37, span);
    const { order, starts } = rows.grouped();
    const got: number[][] = [];
    for (let g = 0; g < starts.length - 1; g++) got.push(Array.from(order.subarray(starts[g], starts[g + 1]), (i) => rows.ts[i] * 1e6 + rows.rowId[i]));
    expect(got).toEqual(expected(rows));
  }
});

test("revenue and order breaks are kept by row; rows without revenue have none", () => {
  const rows = new JourneyRows({ props: false, dim: false, brk: true });
  rows.push({ k: 1, ts: 5, r: 1, m: 1, rv: null, cur: null, brk: 1 });
  rows.push({ k: 1, ts: 6, r: 2, m: 0, rv: 1250, cur: "EUR", brk: 0 });
  expect([rows.breaks(0), rows.revenue(0), rows.currency(0)]).toEqual([true, Number.NaN, -1]);
  expect([rows.breaks(1), rows.revenue(1), rows.currencies.value(rows.currency(1))]).toEqual([false, 1250, "EUR"]);
});
