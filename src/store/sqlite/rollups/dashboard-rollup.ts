// The dashboard's rollups (rollup_hours, rollup_revenue; built in one pass by
// ./build.ts, kept current by ./refresh.ts) as one entry of the registry.
import type { Database } from "bun:sqlite";
import { HOUR_MS } from "../../../analytics/timezone";
import type { Rollup, RollupChange } from "../../rollup-registry";
import { RollupBuilder } from "./build";
import { hourMarker, visitDirtier } from "./listener";
import { Rollups } from "./refresh";

export class DashboardRollup implements Rollup {
  readonly name = "dashboard hours and revenue";
  private rollups;
  private builder;
  private markHours;
  private markVisit;
  private deletes;

  constructor(sqlite: Database) {
    this.rollups = new Rollups(sqlite);
    this.builder = new RollupBuilder(sqlite);
    this.markHours = hourMarker(sqlite);
    this.markVisit = visitDirtier(sqlite);
    // A few rows per hour: one statement each is short enough.
    this.deletes = ["rollup_hours", "rollup_revenue", "rollup_visitors", "rollup_page_visitors"].map((t) => sqlite.prepare(`DELETE FROM ${t} WHERE funnel_id = ? AND hour < ?`));
  }

  markDirty(change: RollupChange): void {
    if ("events" in change) this.markHours(change.events);
    else this.markVisit(change.visit.funnelId, change.visit.sessionId);
  }

  /** Whole UTC days before today are rolled up; the horizon is the start of today. */
  refresh(funnelId: string, now: number): number {
    return this.rollups.refresh(funnelId, now);
  }

  async deleteBefore(funnelId: string, cutoff: number): Promise<void> {
    const hour = Math.floor(cutoff / HOUR_MS);
    for (const d of this.deletes) d.run(funnelId, hour);
  }

  forgetFunnel(funnelId: string): void {
    this.builder.clear(funnelId);
  }
}
