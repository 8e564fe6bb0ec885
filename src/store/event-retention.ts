// Deleting from the event plane (./event-store.ts): what a funnel's retention lets go,
// and everything of a deleted funnel. Rollups follow through the registry.
import type { ChunkOptions } from "./rollup-registry";

export interface RetentionResult {
  events: number;
  sessions: number;
}

export interface EventRetention {
  /**
   * Deletes the funnel's events before `cutoff` (UTC ms), its visits that ended before
   * it, then every rollup's rows before it; in chunks, stopping between chunks when asked.
   */
  deleteBefore(funnelId: string, cutoff: number, opts?: ChunkOptions): Promise<RetentionResult>;
  /** Forgets the funnel's events, visits, contacts and rollups; synchronous, inside the caller's transaction. */
  forgetFunnel(funnelId: string): void;
}
