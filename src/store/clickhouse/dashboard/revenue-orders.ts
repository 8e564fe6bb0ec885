// One row per order bought in a range over ClickHouse, with what has been refunded on it
// since and the value of the visit it is credited to (src/store/sqlite/dashboard/
// revenue-orders.ts explains the models). A payment with no visit has no credited visit.
import type { ClickHouseClient } from "@clickhouse/client";
import type { RevenueBreakdown } from "../../../analytics/revenue-report";
import type { OrderQuery, OrderRow } from "../../dashboard-views";
import { num, rows, Sql } from "./query";
import { visitsWhere } from "./visits-sql";

/** The visits column each breakdown reads: a whitelist, never input. */
const BREAKDOWN_COLUMNS: Record<RevenueBreakdown, string> = {
  channel: "channel",
  utm_source: "utm_source",
  utm_campaign: "utm_campaign",
  landing_page: "entry_path",
};

export async function revenueOrders(ch: ClickHouseClient, q: OrderQuery): Promise<OrderRow[]> {
  const sql = new Sql();
  const f = sql.str(q.funnelId);
  const isTest = "JSONType(coalesce(props, '{}'), 'test') != 'Null'";
  const orders = `SELECT order_id, session_id, anonymous_id, currency, verified,
      coalesce(revenue_minor, if(${sql.bind(q.includeTest ? 1 : 0, "UInt8")} = 1 AND ${isTest}, JSONExtract(coalesce(props, '{}'), 'amount_minor', 'Nullable(Int64)'), NULL)) AS gross
    FROM events WHERE funnel_id = ${f} AND type = 'conversion' AND ts >= ${sql.ms(q.from)} AND ts < ${sql.ms(q.to)} AND currency IS NOT NULL`;
  const refunds = `SELECT order_id, currency, -sum(revenue_minor) AS refunded FROM events
    WHERE funnel_id = ${f} AND type = 'refund' AND order_id IS NOT NULL GROUP BY order_id, currency`;
  // Last touch: the visit that bought; first touch: the visitor's first visit, however long before.
  const first = q.model === "first_touch";
  const visits = first
    ? visitsWhere(sql, q.funnelId, `anonymous_id IN (SELECT anonymous_id FROM (${orders}))`)
    : visitsWhere(sql, q.funnelId, `session_id IN (SELECT session_id FROM (${orders}))`);
  const firsts = first ? `LEFT JOIN (SELECT anonymous_id, argMin(id, (started_at, id)) AS first FROM ${visits} GROUP BY anonymous_id) AS ft ON ft.anonymous_id = o.anonymous_id` : "";
  const got = await rows<{ currency: string; verified: unknown; gross: unknown; refunded: unknown; value: string | null }>(
    ch, sql,
    `SELECT o.currency AS currency, o.verified AS verified, o.gross AS gross,
       if(o.order_id IS NULL, 0, r.refunded) AS refunded,
       if(s.id = '', NULL, coalesce(s.${BREAKDOWN_COLUMNS[q.breakdown]}, '')) AS value
     FROM (${orders}) AS o
     LEFT JOIN (${refunds}) AS r ON r.order_id = o.order_id AND r.currency = o.currency
     ${firsts}
     LEFT JOIN ${visits} AS s ON s.id = ${first ? "ft.first" : "o.session_id"}
     WHERE o.gross IS NOT NULL`,
  );
  return got.map((r) => ({ currency: r.currency, verified: num(r.verified), gross: num(r.gross), refunded: num(r.refunded), value: r.value }));
}
