// The SQLite rollup registry: every rollup of the event plane, one entry each.
import type { Database } from "bun:sqlite";
import type { ChunkOptions, Rollup, RollupChange, RollupRegistry } from "../../rollup-registry";
import { DashboardRollup } from "./dashboard-rollup";
import { JourneyCopies } from "./journey-copies";

export function sqliteRollupRegistry(sqlite: Database): RollupRegistry {
  const dashboard = new DashboardRollup(sqlite);
  const journeys = new JourneyCopies(sqlite);
  const all: readonly Rollup[] = [dashboard, journeys];
  return {
    dashboard,
    journeys,
    all,
    markDirty(change: RollupChange) {
      for (const r of all) r.markDirty(change);
    },
    async deleteBefore(funnelId: string, cutoff: number, opts: ChunkOptions = {}) {
      for (const r of all) {
        if (opts.stopped?.()) return;
        await r.deleteBefore(funnelId, cutoff, opts);
      }
    },
    forgetFunnel(funnelId: string) {
      for (const r of all) r.forgetFunnel(funnelId);
    },
  };
}
