// Every rollup of the event plane behind one interface (./event-store.ts): the
// dashboard's hours (visits, events and revenue per hour and dimension) and the funnel
// report's journey copies. Retention and funnel deletion loop over the registry, so a
// new rollup is one more entry, never one more table named in a caller.
import type { StoredEvent } from "../pipeline/stored-event";

/** What changed in the processing transaction: events written, or a visit whose conversion stopped counting. */
export type RollupChange = { events: readonly StoredEvent[] } | { visit: { funnelId: string; sessionId: string } };

export interface ChunkOptions {
  /** Rows deleted per statement. */
  chunk?: number;
  /** Pause between chunks (ms), so ingest and the dashboard never wait long for the write lock. */
  pauseMs?: number;
  /** Checked between chunks: true stops the work where it is. */
  stopped?: () => boolean;
}

export interface Rollup {
  /** For logs and docs. */
  readonly name: string;
  /** Inside the processing transaction: notes what the change makes stale. */
  markDirty(change: RollupChange): void;
  /**
   * Brings the funnel's rollup up to date as of `now` (over `span` when given, else its
   * whole history); returns the horizon: before it the rollup is exact, from it on
   * reads go to the events. Writes: callers decide what a failure to write means.
   */
  refresh(funnelId: string, now: number, span?: { from: number; to: number }): number;
  /** Drops what the rollup holds for times before `cutoff` (UTC ms), after retention deleted the events. */
  deleteBefore(funnelId: string, cutoff: number, opts?: ChunkOptions): Promise<void>;
  /** Drops everything of the funnel; synchronous, so it joins the caller's transaction. */
  forgetFunnel(funnelId: string): void;
}

export interface RollupRegistry {
  /** Visits, events and revenue per hour (dimension "all") and per day (other dimensions). */
  readonly dashboard: Rollup;
  /** Whole past UTC days of events, narrow and ordered for the funnel report's step lookups. */
  readonly journeys: Rollup;
  /** Every rollup, in the order retention and deletion visit them. */
  readonly all: readonly Rollup[];
  markDirty(change: RollupChange): void;
  deleteBefore(funnelId: string, cutoff: number, opts?: ChunkOptions): Promise<void>;
  forgetFunnel(funnelId: string): void;
}
