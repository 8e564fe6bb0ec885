// The rollup registry with the ClickHouse event store. Its rollups are ClickHouse's own:
// `visits` is an AggregatingMergeTree that a materialized view fills as events are
// inserted, so there is nothing to mark dirty, refresh or delete separately: a
// refresh reports the rollup exact up to now, and retention deletes visits with the
// events (retention.ts).
import type { Rollup, RollupRegistry } from "../rollup-registry";

function viewRollup(name: string, now: () => number): Rollup {
  return {
    name,
    markDirty() {},
    // Materialized views are updated by the insert itself: exact up to now, nothing to refresh.
    refresh: (_funnelId, at) => Math.max(at, now()),
    async deleteBefore() {},
    forgetFunnel() {},
  };
}

export function clickhouseRollupRegistry(now: () => number = Date.now): RollupRegistry {
  const dashboard = viewRollup("visits (materialized view)", now);
  const journeys = viewRollup("events (read directly)", now);
  return {
    dashboard,
    journeys,
    all: [dashboard, journeys],
    markDirty() {},
    async deleteBefore() {},
    forgetFunnel() {},
  };
}
