// One row per order bought in a range, with what has been refunded on it since and the
// value of the visit it is credited to. Orders are the conversions whose revenue
// counts (src/store/sqlite/writer/orders.ts decides which), plus test payments when asked for.
// Last touch credits the visit that bought; first touch the visitor's first visit,
// however long before. A payment with no visit has no credited visit (value null).
import type { Database } from "bun:sqlite";
import type { RevenueBreakdown } from "../../../analytics/revenue-report";
import type { OrderQuery, OrderRow } from "../../dashboard-views";

/** The sessions column each breakdown reads: a whitelist, never input. */
const BREAKDOWN_COLUMNS: Record<RevenueBreakdown, string> = {
  channel: "channel",
  utm_source: "utm_source",
  utm_campaign: "utm_campaign",
  landing_page: "entry_path",
};

const IS_TEST = "json_extract(e.props, '$.test') IS NOT NULL";

export function revenueOrders(sqlite: Database, q: OrderQuery): OrderRow[] {
  const column = BREAKDOWN_COLUMNS[q.breakdown];
  const credited =
    q.model === "last_touch"
      ? "o.session_id"
      : "(SELECT f.id FROM sessions f WHERE f.funnel_id = o.funnel_id AND f.anonymous_id = o.anonymous_id ORDER BY f.started_at LIMIT 1)";
  return sqlite
    .query<OrderRow, Record<string, string | number>>(
      `WITH o AS (
         SELECT e.funnel_id, e.order_id, e.session_id, e.anonymous_id, e.currency, e.verified,
           coalesce(e.revenue_minor, CASE WHEN $includeTest AND ${IS_TEST} THEN json_extract(e.props, '$.amount_minor') END) AS gross
         FROM events e INDEXED BY events_funnel_type_name
         WHERE e.funnel_id = $funnel AND e.type = 'conversion' AND e.ts >= $from AND e.ts < $to AND e.currency IS NOT NULL
       )
       SELECT o.currency, o.verified, o.gross,
         CASE WHEN o.order_id IS NULL THEN 0 ELSE coalesce((
           SELECT -sum(r.revenue_minor) FROM events r INDEXED BY events_funnel_order
           WHERE r.funnel_id = o.funnel_id AND r.order_id = o.order_id AND r.type = 'refund' AND r.currency = o.currency
         ), 0) END AS refunded,
         CASE WHEN s.id IS NULL THEN NULL ELSE coalesce(s.${column}, '') END AS value
       FROM o LEFT JOIN sessions s ON s.funnel_id = o.funnel_id AND s.id = ${credited}
       WHERE o.gross IS NOT NULL`,
    )
    .all({ funnel: q.funnelId, from: q.from, to: q.to, includeTest: q.includeTest ? 1 : 0 });
}
