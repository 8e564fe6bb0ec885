// The "right now" card: visitors of the last five minutes, the pages they are on and
// where they came from, and today's latest sales.
import type { Database } from "bun:sqlite";
import { fromMinorUnits } from "../../../pipeline/money";
import type { LiveNow } from "../../dashboard-views";

export const NOW_WINDOW_MS = 5 * 60_000;

// The window is minutes: the (funnel_id, ts) index bounds it. Left to itself the planner
// prefers (funnel_id, anonymous_id, ts) to save the GROUP BY a sort, and walks every
// event of the funnel (tests/analytics/query-plans.test.ts).
export function liveNow(sqlite: Database, funnelId: string, now: number, since = now - 86_400_000): LiveNow {
  const from = now - NOW_WINDOW_MS;
  const visitors = sqlite
    .query<{ n: number }, [string, number]>("SELECT count(DISTINCT anonymous_id) AS n FROM events INDEXED BY events_funnel_ts WHERE funnel_id = ? AND ts >= ?")
    .get(funnelId, from)!.n;
  // Each visitor's latest event with a page in the window says where they are now.
  const pages = sqlite
    .query<{ path: string; visitors: number }, [string, number]>(
      `SELECT path, count(*) AS visitors FROM (
         SELECT anonymous_id, path, max(ts) FROM events INDEXED BY events_funnel_ts
         WHERE funnel_id = ? AND ts >= ? AND path IS NOT NULL GROUP BY anonymous_id)
       GROUP BY path ORDER BY visitors DESC, path LIMIT 5`,
    )
    .all(funnelId, from);
  // The visits with an event in the window, found through the same bounded index and then
  // by their key: no index leads with sessions.last_at, and walking every visit of the
  // funnel took seconds at 10M events (docs/performance.md, "Scale").
  const sources = sqlite
    .query<{ source: string; visitors: number }, [string, number, string]>(
      `SELECT coalesce(nullif(s.channel, ''), 'Direct') AS source, count(DISTINCT s.anonymous_id) AS visitors
       FROM (SELECT DISTINCT session_id FROM events INDEXED BY events_funnel_ts WHERE funnel_id = ? AND ts >= ?) w
       JOIN sessions s ON s.funnel_id = ? AND s.id = w.session_id
       GROUP BY source ORDER BY visitors DESC, source LIMIT 5`,
    )
    .all(funnelId, from, funnelId);
  const sales = sqlite
    .query<{ ts: number; name: string; minor: number; currency: string; verified: number }, [string, number]>(
      `SELECT ts, name, revenue_minor AS minor, currency, verified FROM events
       WHERE funnel_id = ? AND type = 'conversion' AND revenue_minor IS NOT NULL AND ts >= ? ORDER BY ts DESC LIMIT 5`,
    )
    .all(funnelId, since)
    .map((r) => ({ ts: r.ts, name: r.name, amount: fromMinorUnits(r.minor, r.currency), currency: r.currency, verified: r.verified === 1 }));
  return { visitors, pages, sources, sales };
}
