// The headline numbers of one funnel over a range.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import type { Range } from "../../../analytics/range";
import type { Stats } from "../../dashboard-views";
import { funnelKey } from "../layout";
import { kindsOfType } from "./scope-sql";

export function funnelStats(sqlite: Database, funnelId: string, range: Range): Stats {
  const funnel = funnelKey(sqlite, funnelId);
  const ev = sqlite
    .query<{ visitors: number; pageviews: number; events: number; conversions: number }, [number | null, number, number]>(
      `SELECT count(DISTINCT visitor) AS visitors,
        count(*) FILTER (WHERE kind IN ${kindsOfType("page_view")}) AS pageviews,
        count(*) AS events,
        count(*) FILTER (WHERE kind IN ${kindsOfType("conversion")}) AS conversions
       FROM events WHERE funnel = ? AND ts >= ? AND ts < ?`,
    )
    .get(funnel, range.from, range.to)!;
  const revenueRows = sqlite
    .query<{ currency: string; minor: number }, [number | null, number, number]>(
      `SELECT currency, sum(revenue_minor) AS minor FROM events
       WHERE funnel = ? AND ts >= ? AND ts < ? AND kind IN ${kindsOfType("conversion")} AND revenue_minor IS NOT NULL GROUP BY currency`,
    )
    .all(funnel, range.from, range.to);
  const ses = sqlite
    .query<{ sessions: number; bounces: number; duration: number | null }, [number | null, number, number]>(
      `SELECT count(*) AS sessions, sum(bounce) AS bounces, avg(duration_ms) AS duration
       FROM sessions WHERE funnel = ? AND started_at >= ? AND started_at < ?`,
    )
    .get(funnel, range.from, range.to)!;
  const revenue: Record<string, number> = {};
  for (const r of revenueRows) revenue[r.currency] = r.minor;
  return {
    visitors: ev.visitors,
    sessions: ses.sessions,
    pageviews: ev.pageviews,
    events: ev.events,
    conversions: ev.conversions,
    revenue: revenueMapToMajor(revenue),
    bounceRate: ses.sessions ? Math.round(((ses.bounces ?? 0) / ses.sessions) * 1000) / 1000 : 0,
    avgSessionSeconds: Math.round((ses.duration ?? 0) / 1000),
  };
}
