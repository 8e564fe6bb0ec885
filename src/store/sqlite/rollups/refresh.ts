// Keeps a funnel's rollups current before they are read. Whole UTC days before today
// are rolled up; today is always read live. So a read only ever (re)builds: the days
// that closed since the last read, days that late events changed (marked dirty by the
// ingest path), or, the first time, the funnel's whole history.
import type { Database } from "bun:sqlite";
import { DAY_MS } from "../../../analytics/timezone";
import { RollupBuilder } from "./build";

const BUILD_CHUNK_DAYS = 7;

export class Rollups {
  private builder: RollupBuilder;
  private state;
  private saveState;
  private dirtyDays;
  private clearDirty;
  private firstSession;

  constructor(private sqlite: Database) {
    this.builder = new RollupBuilder(sqlite);
    this.state = sqlite.prepare<{ built_through_day: number }, [string]>("SELECT built_through_day FROM rollup_built WHERE funnel_id = ?");
    this.saveState = sqlite.prepare(
      `INSERT INTO rollup_built (funnel_id, built_through_day, built_at) VALUES (?, ?, ?)
       ON CONFLICT (funnel_id) DO UPDATE SET built_through_day = excluded.built_through_day, built_at = excluded.built_at`,
    );
    this.dirtyDays = sqlite.prepare<{ day: number }, [string]>(
      "SELECT DISTINCT hour / 24 AS day FROM rollup_dirty_hours WHERE funnel_id = ? ORDER BY day",
    );
    this.clearDirty = sqlite.prepare("DELETE FROM rollup_dirty_hours WHERE funnel_id = ? AND hour >= ? * 24 AND hour < ? * 24");
    this.firstSession = sqlite.prepare<{ first: number | null }, [string]>("SELECT min(started_at) AS first FROM sessions WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)");
  }

  /**
   * Makes the funnel's rollups match its sessions and events; cheap when nothing
   * changed. Returns the horizon: rollups cover everything before it (UTC ms).
   */
  refresh(funnelId: string, now: number): number {
    const today = Math.floor(now / DAY_MS);
    const built = this.state.get(funnelId)?.built_through_day;
    if (built === undefined) {
      this.rebuild(funnelId, now);
      return today * DAY_MS;
    }
    if (built < today) this.build(funnelId, built, today, now);
    const dirty = this.dirtyDays.all(funnelId).map((r) => r.day);
    if (dirty.length) {
      this.sqlite.transaction(() => {
        for (const [from, to] of spans(dirty.filter((d) => d < today))) this.builder.recompute(funnelId, from, to);
        // Today's marks need no work: today is read live, and rolled up once it is over.
        this.clearDirty.run(funnelId, -1e12, 1e12);
      }).immediate();
    }
    return today * DAY_MS;
  }

  /** Builds everything from scratch (first read of a funnel, or after seeding). */
  rebuild(funnelId: string, now: number): void {
    this.sqlite.transaction(() => this.builder.clear(funnelId)).immediate();
    const first = this.firstSession.get(funnelId)!.first;
    const today = Math.floor(now / DAY_MS);
    this.build(funnelId, first === null ? today : Math.min(today, Math.floor(first / DAY_MS)), today, now);
  }

  /**
   * Builds days [from, to), a week per transaction so the ingest worker is never held
   * up for long. Each week records its progress: a read abandoned mid-way (too slow,
   * src/analytics/reads/thread-reads.ts) leaves the next one less to do, not all of it.
   */
  private build(funnelId: string, from: number, to: number, now: number): void {
    for (let d = from; d < to; d += BUILD_CHUNK_DAYS) {
      const end = Math.min(d + BUILD_CHUNK_DAYS, to);
      this.sqlite.transaction(() => {
        this.builder.recompute(funnelId, d, end);
        this.clearDirty.run(funnelId, d, end);
        this.saveState.run(funnelId, end, now);
      }).immediate();
    }
    if (from >= to) this.saveState.run(funnelId, to, now);
  }

  /** Drops the funnel's rollups (e.g. when the funnel is deleted); the next read builds them again. */
  forget(funnelId: string): void {
    this.sqlite.transaction(() => this.builder.clear(funnelId)).immediate();
  }
}

/** Sorted numbers → [from, to) runs of consecutive ones. */
export function spans(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === n) last[1] = n + 1;
    else out.push([n, n + 1]);
  }
  return out;
}
