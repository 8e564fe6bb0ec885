// One row per order bought in a range, with what has been refunded on it since and the
// value of the visit it is credited to. Orders are the conversions whose revenue
// counts (src/store/sqlite/writer/orders.ts decides which), plus test payments when asked for.
// Last touch credits the visit that bought; first touch the visitor's first visit,
// however long before. A payment with no visit has no credited visit (value null).
import type { Database } from "bun:sqlite";
import type { RevenueBreakdown } from "../../../analytics/revenue-report";
import type { OrderQuery, OrderRow } from "../../dashboard-views";
import { funnelKey, PROPS_SQL } from "../layout";
import { kindsOfType } from "./scope-sql";

/** Where each breakdown's value is: the sessions column holding its id, the dictionary and its column (a whitelist, never input). */
const BREAKDOWNS: Record<RevenueBreakdown, { ref: string; table: string; column: string }> = {
  channel: { ref: "source", table: "sources", column: "channel" },
  utm_source: { ref: "source", table: "sources", column: "utm_source" },
  utm_campaign: { ref: "source", table: "sources", column: "utm_campaign" },
  landing_page: { ref: "entry_path", table: "strings", column: "value" },
};

export function revenueOrders(sqlite: Database, q: OrderQuery): OrderRow[] {
  const b = BREAKDOWNS[q.breakdown];
  const props = PROPS_SQL("e");
  const isTest = `json_extract(${props}, '$.test') IS NOT NULL`;
  const credited =
    q.model === "last_touch"
      ? "o.session"
      : "(SELECT f.key FROM sessions f INDEXED BY sessions_funnel_visitor WHERE f.funnel = o.funnel AND f.visitor = o.visitor ORDER BY f.started_at LIMIT 1)";
  return sqlite
    .query<OrderRow, Record<string, string | number | null>>(
      `WITH o AS (
         SELECT e.funnel, e.order_id, e.session, e.visitor, e.currency, coalesce(e.verified, 0) AS verified,
           coalesce(e.revenue_minor, CASE WHEN $includeTest AND ${isTest} THEN json_extract(${props}, '$.amount_minor') END) AS gross
         FROM events e INDEXED BY events_funnel_kind
         WHERE e.funnel = $funnel AND e.kind IN ${kindsOfType("conversion")} AND e.ts >= $from AND e.ts < $to AND e.currency IS NOT NULL
       )
       SELECT o.currency, o.verified, o.gross,
         CASE WHEN o.order_id IS NULL THEN 0 ELSE coalesce((
           SELECT -sum(r.revenue_minor) FROM events r INDEXED BY events_funnel_order
           WHERE r.funnel = o.funnel AND r.order_id = o.order_id AND r.kind IN ${kindsOfType("refund")} AND r.currency = o.currency
         ), 0) END AS refunded,
         CASE WHEN s.key IS NULL THEN NULL ELSE coalesce((SELECT d.${b.column} FROM ${b.table} d WHERE d.id = s.${b.ref}), '') END AS value
       FROM o LEFT JOIN sessions s ON s.key = ${credited}
       WHERE o.gross IS NOT NULL`,
    )
    .all({ funnel: funnelKey(sqlite, q.funnelId), from: q.from, to: q.to, includeTest: q.includeTest ? 1 : 0 });
}
