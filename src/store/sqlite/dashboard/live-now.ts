// The "right now" card: visitors of the last five minutes, the pages they are on and
// where they came from, and today's latest sales.
import type { Database } from "bun:sqlite";
import { fromMinorUnits } from "../../../pipeline/money";
import type { LiveNow } from "../../dashboard-views";
import { funnelKey } from "../layout";
import { kindsOfType } from "./scope-sql";

export const NOW_WINDOW_MS = 5 * 60_000;

// The window is minutes: the (funnel, ts) index bounds it (tests/analytics/query-plans.test.ts).
export function liveNow(sqlite: Database, funnelId: string, now: number, since = now - 86_400_000): LiveNow {
  const from = now - NOW_WINDOW_MS;
  const funnel = funnelKey(sqlite, funnelId);
  const visitors = sqlite
    .query<{ n: number }, [number | null, number]>("SELECT count(DISTINCT visitor) AS n FROM events INDEXED BY events_funnel_ts WHERE funnel = ? AND ts >= ?")
    .get(funnel, from)!.n;
  // Each visitor's latest event with a page in the window says where they are now;
  // grouped by path id, the path read for the five shown.
  const pages = sqlite
    .query<{ path: string; visitors: number }, [number | null, number]>(
      `SELECT d.value AS path, g.visitors AS visitors FROM (
         SELECT path, count(*) AS visitors FROM (
           SELECT visitor, path, max(ts) FROM events INDEXED BY events_funnel_ts
           WHERE funnel = ? AND ts >= ? AND path IS NOT NULL GROUP BY visitor)
         GROUP BY path) g CROSS JOIN strings d ON d.id = g.path
       ORDER BY visitors DESC, path LIMIT 5`,
    )
    .all(funnel, from);
  // The visits with an event in the window, found through the same bounded index and then
  // by their key: no index leads with sessions.last_at, and walking every visit of the
  // funnel took seconds at 10M events (docs/performance.md, "Scale").
  const sources = sqlite
    .query<{ source: string; visitors: number }, [number | null, number]>(
      `SELECT coalesce(nullif(x.channel, ''), 'Direct') AS source, count(DISTINCT s.visitor) AS visitors
       FROM (SELECT DISTINCT session FROM events INDEXED BY events_funnel_ts WHERE funnel = ? AND ts >= ?) w
       CROSS JOIN sessions s ON s.key = w.session LEFT JOIN sources x ON x.id = s.source
       GROUP BY 1 ORDER BY visitors DESC, source LIMIT 5`,
    )
    .all(funnel, from);
  const sales = sqlite
    .query<{ ts: number; name: string; minor: number; currency: string; verified: number | null }, [number | null, number]>(
      `SELECT e.ts AS ts, k.name AS name, e.revenue_minor AS minor, e.currency AS currency, e.verified AS verified
       FROM events e INDEXED BY events_funnel_ts CROSS JOIN kinds k ON k.id = e.kind
       WHERE e.funnel = ? AND e.ts >= ? AND e.kind IN ${kindsOfType("conversion")} AND e.revenue_minor IS NOT NULL ORDER BY e.ts DESC LIMIT 5`,
    )
    .all(funnel, since)
    .map((r) => ({ ts: r.ts, name: r.name, amount: fromMinorUnits(r.minor, r.currency), currency: r.currency, verified: r.verified === 1 }));
  return { visitors, pages, sources, sales };
}
