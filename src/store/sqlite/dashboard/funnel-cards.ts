// The numbers on the /funnels cards, for every funnel at once: visitors per day
// (the sparkline), and visitors, conversions and revenue over the whole window.
// One statement; `funnel IN (…the funnels' keys)` lets SQLite walk the (funnel, ts)
// index funnel by funnel instead of scanning all events.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { emptyCardStats, type FunnelCardStats } from "../../dashboard-views";

const DAY_MS = 86_400_000;
const TOTAL = -1;
const REVENUE = -2;

interface Row {
  funnel: number;
  day: number;
  currency: string | null;
  visitors: number;
  conversions: number;
  revenue: number | null;
}

const CONVERSION = "kind IN (SELECT id FROM kinds WHERE type = 'conversion')";

const SQL = `
WITH e AS (
  SELECT funnel, visitor, ${CONVERSION} AS conversion, revenue_minor, currency, (ts - :from) / ${DAY_MS} AS day
  FROM events
  WHERE funnel IN (SELECT k.key FROM funnel_keys k JOIN funnels f ON f.id = k.funnel_id) AND ts >= :from AND ts < :to
)
SELECT funnel, day, NULL AS currency, count(DISTINCT visitor) AS visitors,
       count(*) FILTER (WHERE conversion) AS conversions, NULL AS revenue
FROM e GROUP BY funnel, day
UNION ALL
SELECT funnel, ${TOTAL}, NULL, count(DISTINCT visitor), count(*) FILTER (WHERE conversion), NULL
FROM e GROUP BY funnel
UNION ALL
SELECT funnel, ${REVENUE}, currency, 0, 0, sum(revenue_minor)
FROM e WHERE conversion AND revenue_minor IS NOT NULL AND currency IS NOT NULL GROUP BY funnel, currency`;

/** Stats for the `days` whole 24-hour periods ending at `now`, keyed by funnel id (funnels without events are absent). */
export function funnelCardStats(sqlite: Database, now: number, days = 7): Map<string, FunnelCardStats> {
  const from = now - days * DAY_MS;
  const ids = new Map(sqlite.query<{ key: number; funnel_id: string }, []>("SELECT key, funnel_id FROM funnel_keys").all().map((k) => [k.key, k.funnel_id]));
  const rows = sqlite
    .query<Row, { from: number; to: number }>(SQL)
    .all({ from, to: now })
    .map((r) => ({ ...r, funnel_id: ids.get(r.funnel)! }));
  const out = new Map<string, FunnelCardStats>();
  const minorByFunnel = new Map<string, Record<string, number>>();
  for (const r of rows) {
    let s = out.get(r.funnel_id);
    if (!s) out.set(r.funnel_id, (s = emptyCardStats(days)));
    if (r.day === TOTAL) {
      s.visitors = r.visitors;
      s.conversions = r.conversions;
    } else if (r.day === REVENUE) {
      const minor = minorByFunnel.get(r.funnel_id) ?? {};
      minor[r.currency!] = r.revenue ?? 0;
      minorByFunnel.set(r.funnel_id, minor);
    } else if (r.day >= 0 && r.day < days) {
      s.daily[r.day] = r.visitors;
    }
  }
  for (const [id, minor] of minorByFunnel) out.get(id)!.revenue = revenueMapToMajor(minor);
  return out;
}
