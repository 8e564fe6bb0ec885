// The numbers on the /funnels cards, for every funnel at once: visitors per day
// (the sparkline), and visitors, conversions and revenue over the whole window.
// One statement; `funnel_id IN (SELECT id FROM funnels)` lets SQLite walk the
// (funnel_id, ts) index funnel by funnel instead of scanning all events.
import type { Database } from "bun:sqlite";
import { revenueMapToMajor } from "../../../pipeline/money";
import { emptyCardStats, type FunnelCardStats } from "../../dashboard-views";

const DAY_MS = 86_400_000;
const TOTAL = -1;
const REVENUE = -2;

interface Row {
  funnel_id: string;
  day: number;
  currency: string | null;
  visitors: number;
  conversions: number;
  revenue: number | null;
}

const SQL = `
WITH e AS (
  SELECT funnel_id, anonymous_id, type, revenue_minor, currency, (ts - :from) / ${DAY_MS} AS day
  FROM events
  WHERE funnel_id IN (SELECT id FROM funnels) AND ts >= :from AND ts < :to
)
SELECT funnel_id, day, NULL AS currency, count(DISTINCT anonymous_id) AS visitors,
       count(*) FILTER (WHERE type = 'conversion') AS conversions, NULL AS revenue
FROM e GROUP BY funnel_id, day
UNION ALL
SELECT funnel_id, ${TOTAL}, NULL, count(DISTINCT anonymous_id), count(*) FILTER (WHERE type = 'conversion'), NULL
FROM e GROUP BY funnel_id
UNION ALL
SELECT funnel_id, ${REVENUE}, currency, 0, 0, sum(revenue_minor)
FROM e WHERE type = 'conversion' AND revenue_minor IS NOT NULL AND currency IS NOT NULL GROUP BY funnel_id, currency`;

/** Stats for the `days` whole 24-hour periods ending at `now`, keyed by funnel id (funnels without events are absent). */
export function funnelCardStats(sqlite: Database, now: number, days = 7): Map<string, FunnelCardStats> {
  const from = now - days * DAY_MS;
  const rows = sqlite.query<Row, { from: number; to: number }>(SQL).all({ from, to: now });
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
