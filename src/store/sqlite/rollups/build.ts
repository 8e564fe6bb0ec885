// Recomputes the rollups of whole UTC days from sessions and events. Idempotent:
// deletes the days' rows, aggregates the visits that started in them again, writes
// dimension "all" per hour (charts) and every other dimension per day (panels).
// One pass over the visits and one over their events (all dimensions at once) is
// several times faster than a GROUP BY per dimension. The definitions match the live
// queries (./sql.ts); tests/analytics/rollups.test.ts checks that both agree.
// Callers hold a write transaction.
import type { Database } from "bun:sqlite";
import { SESSION_DIMENSIONS, sessionValue, type SessionColumns } from "../../../analytics/dimensions";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { revenueFrom, ROLLUP_DIMS, type RollupDim } from "./sql";

/** visits, converted, conversions, pageviews, events, bounces, duration_ms, hits */
type Acc = [number, number, number, number, number, number, number, number];

interface Visit {
  hour: number;
  day: number;
  converted: boolean;
  values: string[];
}

const SESSION_COLUMNS = `id, started_at, channel, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
  browser, os, device, country, region, city, entry_path, exit_path, pageviews, events, conversions, converted, bounce, duration_ms`;

export class RollupBuilder {
  private sessions;
  private events;
  private revenue;
  private insertRow;
  private insertRevenue;
  private deleteRows;
  private deleteRevenue;

  constructor(private sqlite: Database) {
    const range = "s.funnel_id = ? AND s.started_at >= ? AND s.started_at < ?";
    this.sessions = sqlite.prepare<SessionColumns & { id: string; started_at: number }, [string, number, number]>(
      `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${range}`,
    );
    // Reads only the covering (funnel_id, session_id, ts, type, name, path) index.
    this.events = sqlite.prepare<{ sid: string; type: string; name: string; path: string | null }, [string, number, number]>(
      `SELECT s.id AS sid, e.type AS type, e.name AS name, e.path AS path
       FROM sessions s CROSS JOIN events e ON e.funnel_id = s.funnel_id AND e.session_id = s.id WHERE ${range}`,
    );
    this.revenue = sqlite.prepare<{ sid: string; currency: string; verified: number; minor: number }, [string, number, number, number, number]>(
      `SELECT s.id AS sid, e.currency AS currency, e.verified AS verified, e.revenue_minor AS minor ${revenueFrom("s.started_at >= ? AND s.started_at < ?")}`,
    );
    this.insertRow = sqlite.prepare(
      `INSERT INTO rollup_hours (funnel_id, dim, hour, value, visits, converted, conversions, pageviews, events, bounces, duration_ms, hits)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRevenue = sqlite.prepare(
      "INSERT INTO rollup_revenue (funnel_id, dim, hour, value, currency, verified, minor) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.deleteRows = sqlite.prepare("DELETE FROM rollup_hours WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ?");
    this.deleteRevenue = sqlite.prepare("DELETE FROM rollup_revenue WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ?");
  }

  /** Rebuilds UTC days [fromDay, toDay) of one funnel. */
  recompute(funnelId: string, fromDay: number, toDay: number): void {
    for (const dim of ROLLUP_DIMS) {
      this.deleteRows.run(funnelId, dim, fromDay * 24, toDay * 24);
      this.deleteRevenue.run(funnelId, dim, fromDay * 24, toDay * 24);
    }
    const from = fromDay * DAY_MS;
    const to = toDay * DAY_MS;
    // Keys end with the (untrusted, any-character) value, after fields that hold no NUL.
    const acc = new Map<string, { dim: RollupDim; hour: number; value: string; a: Acc }>();
    const add = (dim: RollupDim, hour: number, value: string, a: Acc) => {
      const key = `${dim}\u0000${hour}\u0000${value}`;
      const cur = acc.get(key);
      if (!cur) acc.set(key, { dim, hour, value, a: [...a] as Acc });
      else for (let i = 0; i < 8; i++) cur.a[i] += a[i];
    };
    const visits = new Map<string, Visit>();
    for (const s of this.sessions.iterate(funnelId, from, to)) {
      const hour = Math.floor(s.started_at / HOUR_MS);
      const day = Math.floor(s.started_at / DAY_MS) * 24;
      const a: Acc = [1, Number(s.converted), Number(s.conversions), Number(s.pageviews), Number(s.events), Number(s.bounce), Number(s.duration_ms), 0];
      const values = SESSION_DIMENSIONS.map((d) => sessionValue(d, s));
      add("all", hour, "", a);
      SESSION_DIMENSIONS.forEach((d, i) => add(d, day, values[i], a));
      visits.set(s.id, { hour, day, converted: s.converted === 1, values });
    }
    let current = "";
    const seen = new Set<string>();
    for (const e of this.events.iterate(funnelId, from, to)) {
      const v = visits.get(e.sid);
      if (!v) continue;
      if (e.sid !== current) {
        current = e.sid;
        seen.clear();
      }
      const isPage = e.type === "page_view" && e.name === "page_view";
      const dim = isPage ? "page" : "event";
      const value = isPage ? (e.path ?? "") : e.name;
      const key = `${dim}\u0000${value}`;
      const first = !seen.has(key);
      if (first) seen.add(key);
      add(dim, v.day, value, [first ? 1 : 0, first && v.converted ? 1 : 0, 0, 0, 0, 0, 0, 1]);
    }
    const revenue = new Map<string, { dim: RollupDim; hour: number; value: string; currency: string; verified: number; minor: number }>();
    for (const r of this.revenue.iterate(funnelId, from, to + DAY_MS, from, to)) {
      const v = visits.get(r.sid);
      if (!v) continue;
      const addRev = (dim: RollupDim, hour: number, value: string) => {
        const key = `${dim}\u0000${hour}\u0000${r.currency}\u0000${r.verified}\u0000${value}`;
        const cur = revenue.get(key);
        if (cur) cur.minor += r.minor;
        else revenue.set(key, { dim, hour, value, currency: r.currency, verified: r.verified, minor: r.minor });
      };
      addRev("all", v.hour, "");
      SESSION_DIMENSIONS.forEach((d, i) => addRev(d, v.day, v.values[i]));
    }
    for (const { dim, hour, value, a } of acc.values()) this.insertRow.run(funnelId, dim, hour, value, ...a);
    for (const r of revenue.values()) this.insertRevenue.run(funnelId, r.dim, r.hour, r.value, r.currency, r.verified, r.minor);
  }

  /** Forgets everything of one funnel (before a full rebuild, or when it is deleted). */
  clear(funnelId: string): void {
    for (const table of ["rollup_hours", "rollup_revenue", "rollup_dirty_hours", "rollup_built"]) {
      this.sqlite.prepare(`DELETE FROM ${table} WHERE funnel_id = ?`).run(funnelId);
    }
  }
}
