// Recomputes the rollups of whole UTC days from sessions and events. Idempotent:
// deletes the days' rows, aggregates the visits that started in them again, writes
// dimension "all" per hour (charts) and every other dimension per day (panels), and
// each hour's distinct visitors (./visitor-sets.ts). A page's "page_visits" row sums
// the visits that viewed it, with their revenue, and each hour keeps those visits'
// visitors per page: the dashboard filtered by that page.
// One pass over the visits and one over their events (all dimensions at once) is
// several times faster than a GROUP BY per dimension. The definitions match the live
// queries (./sql.ts); tests/analytics/rollups.test.ts checks that both agree.
// Callers hold a write transaction.
import type { Database } from "bun:sqlite";
import { SESSION_DIMENSIONS, sessionValue, type SessionColumns } from "../../../analytics/dimensions";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { funnelKey } from "../layout";
import { ROLLUP_DIMS, type RollupDim } from "./sql";
import { encodeVisitors } from "./visitor-sets";

/** visits, converted, conversions, pageviews, events, bounces, duration_ms, hits */
type Acc = [number, number, number, number, number, number, number, number];

interface Visit {
  hour: number;
  day: number;
  values: string[];
  metrics: Acc;
  visitor: number;
  /** The paths it viewed, each once. */
  pages: string[];
}

// A visit's dimension values under the names sessionValue() reads (the previous layout's
// columns), from the dictionaries the visit points at.
const SESSION_COLUMNS = `s.key AS sid, s.visitor AS visitor, s.started_at, src.channel, src.referrer_host, src.utm_source, src.utm_medium, src.utm_campaign,
  src.utm_term, src.utm_content, c.browser, c.os, c.device, p.country, p.region, p.city,
  s.entry_path, s.exit_path,
  s.pageviews, s.events, s.conversions, s.converted, s.bounce, s.duration_ms`;
const SESSION_FROM = `sessions s LEFT JOIN sources src ON src.id = s.source LEFT JOIN clients c ON c.id = s.client
  LEFT JOIN places p ON p.id = s.place`;

export class RollupBuilder {
  private sessions;
  private events;
  private revenue;
  private kinds;
  private pathOf;
  private insertRow;
  private insertRevenue;
  private deleteRows;
  private deleteRevenue;
  private insertVisitors;
  private deleteVisitors;
  private insertPageVisitors;
  private deletePageVisitors;

  constructor(private sqlite: Database) {
    const range = "s.funnel = ? AND s.started_at >= ? AND s.started_at < ?";
    this.sessions = sqlite.prepare<SessionColumns & { sid: number; visitor: number; started_at: number }, [number, number, number]>(
      `SELECT ${SESSION_COLUMNS} FROM ${SESSION_FROM} WHERE ${range}`,
    );
    // Reads only the covering (funnel, session, ts, kind, path) index.
    this.events = sqlite.prepare<{ sid: number; kind: number; path: number | null }, [number, number, number]>(
      `SELECT s.key AS sid, e.kind AS kind, e.path AS path
       FROM sessions s CROSS JOIN events e ON e.funnel = s.funnel AND e.session = s.key WHERE ${range}`,
    );
    // Driven from the events with revenue (a partial (funnel, ts) index), so only their visits are
    // looked up; INDEXED BY: left alone, SQLite prefers the (funnel, ts) range and reads every event row.
    this.revenue = sqlite.prepare<{ sid: number; currency: string; verified: number; minor: number }, [number, number, number, number, number]>(
      `SELECT s.key AS sid, e.currency AS currency, coalesce(e.verified, 0) AS verified, e.revenue_minor AS minor
       FROM events e INDEXED BY events_funnel_revenue CROSS JOIN sessions s ON s.key = e.session
       WHERE e.funnel = ? AND e.kind IN (SELECT id FROM kinds WHERE type = 'conversion') AND e.ts >= ? AND e.ts < ?
         AND e.revenue_minor IS NOT NULL AND e.currency IS NOT NULL AND s.started_at >= ? AND s.started_at < ?`,
    );
    this.kinds = sqlite.prepare<{ id: number; type: string; name: string }, []>("SELECT id, type, name FROM kinds");
    this.pathOf = sqlite.prepare<{ value: string }, [number]>("SELECT value FROM strings WHERE id = ?");
    this.insertRow = sqlite.prepare(
      `INSERT INTO rollup_hours (funnel_id, dim, hour, value, visits, converted, conversions, pageviews, events, bounces, duration_ms, hits)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRevenue = sqlite.prepare(
      "INSERT INTO rollup_revenue (funnel_id, dim, hour, value, currency, verified, minor) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.deleteRows = sqlite.prepare("DELETE FROM rollup_hours WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ?");
    this.deleteRevenue = sqlite.prepare("DELETE FROM rollup_revenue WHERE funnel_id = ? AND dim = ? AND hour >= ? AND hour < ?");
    this.insertVisitors = sqlite.prepare("INSERT INTO rollup_visitors (funnel_id, hour, visitors) VALUES (?, ?, ?)");
    this.deleteVisitors = sqlite.prepare("DELETE FROM rollup_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ?");
    this.insertPageVisitors = sqlite.prepare("INSERT INTO rollup_page_visitors (funnel_id, path, hour, visitors) VALUES (?, ?, ?, ?)");
    this.deletePageVisitors = sqlite.prepare("DELETE FROM rollup_page_visitors WHERE funnel_id = ? AND hour >= ? AND hour < ?");
  }

  /** Rebuilds UTC days [fromDay, toDay) of one funnel. */
  recompute(funnelId: string, fromDay: number, toDay: number): void {
    for (const dim of ROLLUP_DIMS) {
      this.deleteRows.run(funnelId, dim, fromDay * 24, toDay * 24);
      this.deleteRevenue.run(funnelId, dim, fromDay * 24, toDay * 24);
    }
    this.deleteVisitors.run(funnelId, fromDay * 24, toDay * 24);
    this.deletePageVisitors.run(funnelId, fromDay * 24, toDay * 24);
    const funnel = funnelKey(this.sqlite, funnelId);
    if (funnel === null) return; // nothing stored for this funnel
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
    const visits = new Map<number, Visit>();
    const visitorsByHour = new Map<number, number[]>();
    // Path ids → paths, looked up once each (entry and exit pages, page dimension).
    const paths = new Map<number, string | null>();
    const pathOf = (id: number | null) => {
      if (id === null) return null;
      let p = paths.get(id);
      if (p === undefined) paths.set(id, (p = this.pathOf.get(id)?.value ?? null));
      return p;
    };
    for (const s of this.sessions.iterate(funnel, from, to)) {
      s.entry_path = pathOf(s.entry_path as number | null);
      s.exit_path = pathOf(s.exit_path as number | null);
      const hour = Math.floor(s.started_at / HOUR_MS);
      const day = Math.floor(s.started_at / DAY_MS) * 24;
      const a: Acc = [1, Number(s.converted), Number(s.conversions), Number(s.pageviews), Number(s.events), Number(s.bounce), Number(s.duration_ms), 0];
      const values = SESSION_DIMENSIONS.map((d) => sessionValue(d, s));
      add("all", hour, "", a);
      SESSION_DIMENSIONS.forEach((d, i) => add(d, day, values[i], a));
      visits.set(s.sid, { hour, day, values, metrics: a, visitor: s.visitor, pages: [] });
      const who = visitorsByHour.get(hour);
      if (who) who.push(s.visitor);
      else visitorsByHour.set(hour, [s.visitor]);
    }
    const kinds = new Map(this.kinds.all().map((k) => [k.id, k]));
    let current = -1;
    const seen = new Set<string>();
    const pageVisitors = new Map<string, { hour: number; path: string; keys: number[] }>();
    for (const e of this.events.iterate(funnel, from, to)) {
      const v = visits.get(e.sid);
      if (!v) continue;
      if (e.sid !== current) {
        current = e.sid;
        seen.clear();
      }
      const kind = kinds.get(e.kind)!;
      const isPage = kind.type === "page_view" && kind.name === "page_view";
      const dim = isPage ? "page" : "event";
      const value = isPage ? (pathOf(e.path) ?? "") : kind.name;
      const key = `${dim}\u0000${value}`;
      const first = !seen.has(key);
      if (first) seen.add(key);
      add(dim, v.day, value, [first ? 1 : 0, first ? v.metrics[1] : 0, 0, 0, 0, 0, 0, 1]);
      if (first && isPage) {
        add("page_visits", v.day, value, v.metrics);
        v.pages.push(value);
        const key = `${v.hour}\u0000${value}`;
        const who = pageVisitors.get(key);
        if (who) who.keys.push(v.visitor);
        else pageVisitors.set(key, { hour: v.hour, path: value, keys: [v.visitor] });
      }
    }
    const revenue = new Map<string, { dim: RollupDim; hour: number; value: string; currency: string; verified: number; minor: number }>();
    for (const r of this.revenue.iterate(funnel, from, to + DAY_MS, from, to)) {
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
      for (const page of v.pages) addRev("page_visits", v.day, page);
    }
    for (const { dim, hour, value, a } of acc.values()) this.insertRow.run(funnelId, dim, hour, value, ...a);
    for (const r of revenue.values()) this.insertRevenue.run(funnelId, r.dim, r.hour, r.value, r.currency, r.verified, r.minor);
    for (const [hour, keys] of visitorsByHour) this.insertVisitors.run(funnelId, hour, encodeVisitors(keys));
    for (const p of pageVisitors.values()) this.insertPageVisitors.run(funnelId, p.path, p.hour, encodeVisitors(p.keys));
  }

  /** Forgets everything of one funnel (before a full rebuild, or when it is deleted). */
  clear(funnelId: string): void {
    for (const table of ["rollup_hours", "rollup_revenue", "rollup_visitors", "rollup_page_visitors", "rollup_dirty_hours", "rollup_built"]) {
      this.sqlite.prepare(`DELETE FROM ${table} WHERE funnel_id = ?`).run(funnelId);
    }
  }
}
