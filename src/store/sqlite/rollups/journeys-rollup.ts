// The funnel report's rollup: whole past UTC days of events copied into journey_events,
// narrow and ordered by (funnel key, day, kind, path, ts), so step hits are read from a few
// contiguous ranges instead of scattered event rows.
//
// Exact, not approximate: a day's events count and highest row id (from the
// (funnel, ts) index alone) are compared with those the day was built from. Row ids
// only grow (AUTOINCREMENT) and writes commit one at a time, so a new event, even a
// late one, raises the highest. New events are appended; anything else rebuilds the
// day. Triggers on events (drizzle/0015_*.sql, 0020_*.sql) copy contact ids that
// identify back-fills and drop the day on a deletion or any other change to a copied
// column.
//
// Counting a day reads its whole index range (a month of a 10M-event funnel: ~150 ms),
// so each connection remembers the days it found exact and the highest row id then;
// the next read looks only at the events added since (by row id) and counts again only
// the days they fall on, the days it has not checked, and days whose row a trigger
// dropped.
import type { Database } from "bun:sqlite";
import { DAY_MS } from "../../../analytics/timezone";
import { funnelKey } from "../layout";

/** About 25,000 events on the demo data set: a write lock of a few hundred ms at most. */
const DAYS_PER_TRANSACTION = 2;

/** journey_days keeps the public funnel id; the copy and the events the key. */
interface FunnelRef {
  id: string;
  key: number;
}

interface DayState {
  events: number;
  maxRowId: number;
}

/** What this connection knows of a funnel: days exact for every event up to row id `through`. */
interface Checked {
  through: number;
  days: Set<number>;
}

// path: a page view's path id, 0 when it has none (has_path says which) and for other events.
const COPY = `INSERT INTO journey_events (funnel, day, kind, path, ts, row_id, has_path, visitor, contact_id, revenue_minor, currency)
  SELECT funnel, ?, kind, CASE WHEN kind IN (SELECT id FROM kinds WHERE type = 'page_view') THEN coalesce(path, 0) ELSE 0 END, ts, row_id,
    path IS NOT NULL, visitor, contact_id, revenue_minor, currency
  FROM events WHERE funnel = ? AND ts >= ? AND ts < ? AND row_id > ?`;

/** Counts a change to a funnel's copies (journey_changes), by its key. */
export function journeyChange(sqlite: Database) {
  return sqlite.prepare<unknown, [number | null]>(
    "INSERT INTO journey_changes (funnel, n) VALUES (?, 1) ON CONFLICT (funnel) DO UPDATE SET n = n + 1",
  );
}

export class JourneysRollup {
  private live;
  private stored;
  private extent;
  private copy;
  private clear;
  private save;
  private changed;
  private newest;
  private touched;
  private checked = new Map<number, Checked>();

  constructor(private sqlite: Database) {
    this.live = sqlite.prepare<{ events: number; maxRowId: number | null }, [number, number, number]>(
      "SELECT count(*) AS events, max(row_id) AS maxRowId FROM events WHERE funnel = ? AND ts >= ? AND ts < ?",
    );
    this.stored = sqlite.prepare<DayState & { day: number }, [string, number, number]>(
      "SELECT day, events, max_row_id AS maxRowId FROM journey_days WHERE funnel_id = ? AND day >= ? AND day < ?",
    );
    // Two subqueries: each is one index seek, a min and a max together scan the funnel.
    this.extent = sqlite.prepare<{ first: number | null; last: number | null }, [number, number]>(
      "SELECT (SELECT min(ts) FROM events WHERE funnel = ?) AS first, (SELECT max(ts) FROM events WHERE funnel = ?) AS last",
    );
    this.newest = sqlite.prepare<{ rowId: number | null }, []>("SELECT max(row_id) AS rowId FROM events");
    this.touched = sqlite.prepare<{ day: number }, [number, number, number]>(
      `SELECT DISTINCT ts / ${DAY_MS} AS day FROM events WHERE row_id > ? AND row_id <= ? AND funnel = ?`,
    );
    this.copy = sqlite.prepare(COPY);
    this.clear = sqlite.prepare("DELETE FROM journey_events WHERE funnel = ? AND day = ?");
    this.save = sqlite.prepare(
      `INSERT INTO journey_days (funnel_id, day, events, max_row_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (funnel_id, day) DO UPDATE SET events = excluded.events, max_row_id = excluded.max_row_id`,
    );
    this.changed = journeyChange(sqlite);
  }

  /** Makes the days of [from, to) (UTC ms, whole days, from ≥ 0) match events. */
  refresh(funnelId: string, from: number, to: number): void {
    const funnel = funnelKey(this.sqlite, funnelId);
    if (funnel === null) return;
    const { first, last } = this.extent.get(funnel, funnel)!;
    if (first === null || last === null) return;
    const fromDay = Math.max(from, first - (first % DAY_MS)) / DAY_MS;
    const toDay = Math.min(to, last - (last % DAY_MS) + DAY_MS) / DAY_MS;
    if (fromDay >= toDay) return;
    const f = { id: funnelId, key: funnel };
    const stale = this.staleDays(f, fromDay, toDay);
    // A few days per write transaction, so ingest never waits long for the lock; each
    // day is checked again inside it, since another connection may have moved on.
    for (let i = 0; i < stale.length; i += DAYS_PER_TRANSACTION) {
      const days = stale.slice(i, i + DAYS_PER_TRANSACTION);
      const fixed: number[] = [];
      this.sqlite
        .transaction(() => {
          for (const day of this.staleDays(f, days[0], days.at(-1)! + 1)) {
            this.fix(f, day);
            fixed.push(day);
          }
        })
        .immediate();
      // Known exact once committed: a transaction that failed (a full disk) rolled them back.
      for (const day of fixed) this.checked.get(f.key)?.days.add(day);
    }
  }

  private staleDays(f: FunnelRef, fromDay: number, toDay: number): number[] {
    const checked = this.checkedOf(f.key);
    const built = new Map(this.stored.all(f.id, fromDay, toDay).map((d) => [d.day, d]));
    const stale: number[] = [];
    for (let day = fromDay; day < toDay; day++) {
      const b = built.get(day);
      if (b && checked.days.has(day)) continue;
      const live = this.liveState(f.key, day);
      if (b ? b.events !== live.events || b.maxRowId !== live.maxRowId : live.events > 0) stale.push(day);
      else checked.days.add(day);
    }
    return stale;
  }

  /** The funnel's checked days, less those that events added since the last look fall on. */
  private checkedOf(funnel: number): Checked {
    // Read first: a day counted after this has every event up to it.
    const through = this.newest.get()?.rowId ?? 0;
    let c = this.checked.get(funnel);
    if (!c) this.checked.set(funnel, (c = { through, days: new Set() }));
    if (through > c.through) {
      if (c.days.size) for (const { day } of this.touched.all(c.through, through, funnel)) c.days.delete(day);
      c.through = through;
    }
    return c;
  }

  private liveState(funnel: number, day: number): DayState {
    const r = this.live.get(funnel, day * DAY_MS, (day + 1) * DAY_MS)!;
    return { events: r.events, maxRowId: r.maxRowId ?? 0 };
  }

  private fix(f: FunnelRef, day: number): void {
    const live = this.liveState(f.key, day);
    const built = this.stored.get(f.id, day, day + 1);
    const start = day * DAY_MS;
    const end = start + DAY_MS;
    let done = false;
    if (built && live.events > built.events) {
      const added = this.copy.run(day, f.key, start, end, built.maxRowId).changes;
      done = built.events + added === live.events;
    }
    if (!done) {
      this.clear.run(f.key, day);
      this.copy.run(day, f.key, start, end, -1);
    }
    this.save.run(f.id, day, live.events, live.maxRowId);
    this.changed.run(f.key);
  }
}
