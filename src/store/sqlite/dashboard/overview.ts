// The stats cards: totals of a scope and of the previous period of the same length.
import type { Scope } from "../../../analytics/filters";
import { keyed } from "./scope-sql";
import { liveTotals } from "./live-queries";
import { freshRollups, type AnalyticsReader } from "./reader";
import { rolledFilter, rollupTotals, rollupTotalsOf, splitRange } from "../rollups/read";
import { addRevenue, addTally, type Revenue, type Tally } from "../../../analytics/tally";
import { countVisitors } from "./visitors";
import type { Overview, Totals } from "../../dashboard-views";

/** `knownVisitors`: the current range's distinct visitors when the caller has them already (the chart). */
export function overview(
  reader: AnalyticsReader,
  scope: Scope,
  previous: { from: number; to: number },
  historyStart: number | null,
  knownVisitors: number | null = null,
): Overview {
  const ks = keyed(reader.sqlite, scope);
  return {
    current: totals(reader, ks, historyStart, knownVisitors),
    previous: totals(reader, { ...ks, ...previous }, historyStart),
  };
}

export function mergeRevenue(into: Revenue, more: Revenue): Revenue {
  for (const [c, r] of Object.entries(more)) addRevenue(addRevenue(into, c, true, r.verified), c, false, r.unverified);
  return into;
}

export function totals(reader: AnalyticsReader, unkeyed: Scope, historyStart: number | null, knownVisitors: number | null = null): Totals {
  const scope = keyed(reader.sqlite, unkeyed);
  if (scope.filters.length && !rolledFilter(scope)) {
    if (knownVisitors === null) return liveTotals(reader.sqlite, scope);
    return { ...liveTotals(reader.sqlite, scope, false), visitors: knownVisitors };
  }
  return { visitors: knownVisitors ?? countVisitors(reader, scope, historyStart), ...sums(reader, scope) };
}

/** Everything but distinct visitors (which cannot come from rollups): whole hours (or days, filtered) from rollups, the rest live. */
export function sums(reader: AnalyticsReader, unkeyed: Scope): { tally: Tally; revenue: Revenue } {
  const scope = keyed(reader.sqlite, unkeyed);
  const filter = rolledFilter(scope);
  if (scope.filters.length && !filter) {
    const { tally, revenue } = liveTotals(reader.sqlite, scope, false);
    return { tally, revenue };
  }
  if (filter) {
    const split = splitRange(scope.from, scope.to, "day", freshRollups(reader, scope.funnelId));
    const parts = split.rolled ? [rollupTotalsOf(reader.sqlite, scope.funnelId, filter.dim, filter.value, split.rolled)] : [];
    for (const span of split.live) parts.push(liveTotals(reader.sqlite, { ...scope, ...span }, false));
    const revenue: Revenue = {};
    for (const p of parts) mergeRevenue(revenue, p.revenue);
    return { tally: parts.map((p) => p.tally).reduce((a, b) => addTally(a, b)), revenue };
  }
  const split = splitRange(scope.from, scope.to, "hour", freshRollups(reader, scope.funnelId));
  let tally: Tally | null = null;
  const revenue: Revenue = {};
  if (split.rolled) {
    const r = rollupTotals(reader.sqlite, scope.funnelId, split.rolled);
    tally = r.tally;
    mergeRevenue(revenue, r.revenue);
  }
  for (const span of split.live) {
    const r = liveTotals(reader.sqlite, { ...scope, ...span }, false);
    tally = tally ? addTally(tally, r.tally) : r.tally;
    mergeRevenue(revenue, r.revenue);
  }
  return { tally: tally!, revenue };
}
