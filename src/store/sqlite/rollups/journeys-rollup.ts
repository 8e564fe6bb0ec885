// The funnel report's rollup: whole past UTC days of events copied into journey_events,
// narrow and ordered by (day, type, name, path, ts), so step hits are read from a few
// contiguous ranges instead of scattered event rows.
//
// Exact, not approximate: before a read, each day's events count and highest row id
// (from the (funnel_id, ts) index alone) are compared with those the day was built
// from. Row ids only grow (AUTOINCREMENT), so a new event, even a late one, raises the
// highest; a deleted one (retention) lowers the count. New events are appended;
// anything else rebuilds the day. Triggers on events (drizzle/0003_*.sql) copy contact
// ids that identify back-fills and drop the day on any other change to a copied column.
import type { Database } from "bun:sqlite";
import { DAY_MS } from "../../../analytics/timezone";

/** About 25,000 events on the demo data set: a write lock of a few hundred ms at most. */
const DAYS_PER_TRANSACTION = 2;

interface DayState {
  events: number;
  maxRowId: number;
}

const COPY = `INSERT INTO journey_events (funnel_id, day, type, name, path, ts, row_id, has_path, contact_id, anonymous_id, revenue_minor, currency)
  SELECT funnel_id, ?, type, name, CASE WHEN type = 'page_view' THEN coalesce(path, '') ELSE '' END, ts, row_id, path IS NOT NULL,
    contact_id, anonymous_id, revenue_minor, currency
  FROM events WHERE funnel_id = ? AND ts >= ? AND ts < ? AND row_id > ?`;

export class JourneysRollup {
  private live;
  private stored;
  private extent;
  private copy;
  private clear;
  private save;

  constructor(private sqlite: Database) {
    this.live = sqlite.prepare<{ events: number; maxRowId: number | null }, [string, number, number]>(
      "SELECT count(*) AS events, max(row_id) AS maxRowId FROM events WHERE funnel_id = ? AND ts >= ? AND ts < ?",
    );
    this.stored = sqlite.prepare<DayState & { day: number }, [string, number, number]>(
      "SELECT day, events, max_row_id AS maxRowId FROM journey_days WHERE funnel_id = ? AND day >= ? AND day < ?",
    );
    // Two subqueries: each is one index seek, a min and a max together scan the funnel.
    this.extent = sqlite.prepare<{ first: number | null; last: number | null }, [string, string]>(
      "SELECT (SELECT min(ts) FROM events WHERE funnel_id = ?) AS first, (SELECT max(ts) FROM events WHERE funnel_id = ?) AS last",
    );
    this.copy = sqlite.prepare(COPY);
    this.clear = sqlite.prepare("DELETE FROM journey_events WHERE funnel_id = ? AND day = ?");
    this.save = sqlite.prepare(
      `INSERT INTO journey_days (funnel_id, day, events, max_row_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (funnel_id, day) DO UPDATE SET events = excluded.events, max_row_id = excluded.max_row_id`,
    );
  }

  /** Makes the days of [from, to) (UTC ms, whole days, from ≥ 0) match events. */
  refresh(funnelId: string, from: number, to: number): void {
    const { first, last } = this.extent.get(funnelId, funnelId)!;
    if (first === null || last === null) return;
    const fromDay = Math.max(from, first - (first % DAY_MS)) / DAY_MS;
    const toDay = Math.min(to, last - (last % DAY_MS) + DAY_MS) / DAY_MS;
    if (fromDay >= toDay) return;
    const stale = this.staleDays(funnelId, fromDay, toDay);
    // A few days per write transaction, so ingest never waits long for the lock; each
    // day is checked again inside it, since another connection may have moved on.
    for (let i = 0; i < stale.length; i += DAYS_PER_TRANSACTION) {
      const days = stale.slice(i, i + DAYS_PER_TRANSACTION);
      this.sqlite
        .transaction(() => {
          for (const day of this.staleDays(funnelId, days[0], days.at(-1)! + 1)) this.fix(funnelId, day);
        })
        .immediate();
    }
  }

  private staleDays(funnelId: string, fromDay: number, toDay: number): number[] {
    const built = new Map(this.stored.all(funnelId, fromDay, toDay).map((d) => [d.day, d]));
    const stale: number[] = [];
    for (let day = fromDay; day < toDay; day++) {
      const live = this.liveState(funnelId, day);
      const b = built.get(day);
      if (b ? b.events !== live.events || b.maxRowId !== live.maxRowId : live.events > 0) stale.push(day);
    }
    return stale;
  }

  private liveState(funnelId: string, day: number): DayState {
    const r = this.live.get(funnelId, day * DAY_MS, (day + 1) * DAY_MS)!;
    return { events: r.events, maxRowId: r.maxRowId ?? 0 };
  }

  private fix(funnelId: string, day: number): void {
    const live = this.liveState(funnelId, day);
    const built = this.stored.get(funnelId, day, day + 1);
    const start = day * DAY_MS;
    const end = start + DAY_MS;
    let done = false;
    if (built && live.events > built.events) {
      const added = this.copy.run(day, funnelId, start, end, built.maxRowId).changes;
      done = built.events + added === live.events;
    }
    if (!done) {
      this.clear.run(funnelId, day);
      this.copy.run(day, funnelId, start, end, -1);
    }
    this.save.run(funnelId, day, live.events, live.maxRowId);
  }
}
