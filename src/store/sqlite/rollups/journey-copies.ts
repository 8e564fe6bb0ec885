// The funnel report's journey copies (journey_events and journey_days, kept exact by
// ./journeys-rollup.ts) as one entry of the registry. They need no marks: each day is
// checked against the events (count, highest row id) before it is read, and triggers
// follow the updates identify makes.
import type { Database } from "bun:sqlite";
import { DAY_MS } from "../../../analytics/timezone";
import type { ChunkOptions, Rollup } from "../../rollup-registry";
import { funnelKey } from "../layout";
import { journeyChange, JourneysRollup } from "./journeys-rollup";

export class JourneyCopies implements Rollup {
  readonly name = "journey copies";
  private rollup;
  private firstDay;
  private deleteDay;
  private forgetDays;
  private forget;
  private changed;

  constructor(private sqlite: Database) {
    this.rollup = new JourneysRollup(sqlite);
    this.firstDay = sqlite.prepare<{ day: number | null }, [number]>("SELECT min(day) AS day FROM journey_events WHERE funnel = ?");
    this.deleteDay = sqlite.prepare("DELETE FROM journey_events WHERE funnel = ? AND day = ? AND ts < ?");
    this.forgetDays = sqlite.prepare("DELETE FROM journey_days WHERE funnel_id = ? AND day <= ?");
    this.forget = [
      sqlite.prepare("DELETE FROM journey_events WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)"),
      sqlite.prepare("DELETE FROM journey_days WHERE funnel_id = ?"),
      // Funnel keys are never given again: nothing can mistake a new funnel's count for this one's.
      sqlite.prepare("DELETE FROM journey_changes WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?)"),
    ];
    this.changed = journeyChange(sqlite);
  }

  markDirty(): void {}

  /** Makes the whole UTC days of `span` (default: all before today) match the events; returns span.to. */
  refresh(funnelId: string, now: number, span?: { from: number; to: number }): number {
    const { from, to } = span ?? { from: 0, to: Math.floor(now / DAY_MS) * DAY_MS };
    this.rollup.refresh(funnelId, from, to);
    return to;
  }

  /** A row per event: deleted a day at a time, like the events. */
  async deleteBefore(funnelId: string, cutoff: number, opts: ChunkOptions = {}): Promise<void> {
    const stopped = opts.stopped ?? (() => false);
    const lastDay = Math.floor(cutoff / DAY_MS);
    const funnel = funnelKey(this.sqlite, funnelId);
    const first = funnel === null ? null : this.firstDay.get(funnel)?.day;
    for (let day = first ?? lastDay + 1; day <= lastDay; day++) {
      if (stopped()) return;
      if (this.deleteDay.run(funnel, day, cutoff).changes) await Bun.sleep(opts.pauseMs ?? 5);
    }
    // The day the cutoff falls in is rebuilt from what is left before it is read again.
    this.forgetDays.run(funnelId, lastDay);
    if (funnel !== null) this.changed.run(funnel);
  }

  forgetFunnel(funnelId: string): void {
    for (const d of this.forget) d.run(funnelId);
  }
}
