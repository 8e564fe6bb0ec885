// Every grouped panel (pages, sources, UTM, devices, places, events): the top values
// of one whitelisted dimension within a scope. Unfiltered, whole days come from
// rollups and the rest (today, the ragged start of a local range) is read live.
import { DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";
import type { Scope } from "../../../analytics/filters";
import { liveGroups, liveRevenue } from "./live-queries";
import { keyed } from "./scope-sql";
import { mergeRevenue, sums } from "./overview";
import { freshRollups, type AnalyticsReader } from "./reader";
import { rollupGroups, rollupRevenue, splitRange } from "../rollups/read";
import { addTally, type Revenue, type Tally } from "../../../analytics/tally";
import type { Breakdown, BreakdownRow } from "../../dashboard-views";

export function breakdown(reader: AnalyticsReader, unkeyed: Scope, dim: DimensionKey, limit: number): Breakdown {
  const scope = keyed(reader.sqlite, unkeyed);
  const kind = DIMENSIONS[dim].kind;
  if (scope.filters.length) {
    const live = liveGroups(reader.sqlite, scope, dim, limit);
    const revenue = kind === "session" && live.groups.length ? liveRevenue(reader.sqlite, scope, dim) : new Map<string, Revenue>();
    return {
      dim,
      rows: live.groups.map((g) => ({ ...g, revenue: revenue.get(g.value) ?? {} })),
      values: live.values,
      totalVisits: live.totalVisits ?? sums(reader, scope).tally.visits,
    };
  }
  const split = splitRange(scope.from, scope.to, "day", freshRollups(reader, scope.funnelId));
  const merged = new Map<string, BreakdownRow>();
  const add = (value: string, tally: Tally, revenue: Revenue | undefined) => {
    const row = merged.get(value);
    if (!row) merged.set(value, { value, tally, revenue: mergeRevenue({}, revenue ?? {}) });
    else {
      row.tally = addTally(row.tally, tally);
      if (revenue) mergeRevenue(row.revenue, revenue);
    }
  };
  if (split.rolled) {
    const revenue = kind === "session" ? rollupRevenue(reader.sqlite, scope.funnelId, dim, split.rolled) : null;
    for (const [value, tally] of rollupGroups(reader.sqlite, scope.funnelId, dim, split.rolled)) add(value, tally, revenue?.get(value));
  }
  for (const span of split.live) {
    const part = { ...scope, ...span };
    const revenue = kind === "session" ? liveRevenue(reader.sqlite, part, dim) : null;
    for (const g of liveGroups(reader.sqlite, part, dim, null).groups) add(g.value, g.tally, revenue?.get(g.value));
  }
  const key = kind === "event" ? "hits" : "visits";
  const rows = [...merged.values()].sort((a, b) => b.tally[key] - a.tally[key] || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const totalVisits = kind === "session" ? rows.reduce((n, r) => n + r.tally.visits, 0) : sums(reader, scope).tally.visits;
  return { dim, rows: rows.slice(0, limit), values: rows.length, totalVisits };
}
