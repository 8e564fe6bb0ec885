// The orders and refunds that belong to a visit or a contact, for their pages.
import type { ClickHouseClient } from "@clickhouse/client";
import type { OrderLine } from "../../dashboard-views";
import { contactJoin } from "./event-rows";
import { num, rows, Sql } from "./query";

export async function ordersOf(ch: ClickHouseClient, funnelId: string, of: { sessionId: string } | { contactId: number }, limit = 200): Promise<OrderLine[]> {
  const sql = new Sql();
  const whose = "sessionId" in of ? `e.session_id = ${sql.str(of.sessionId)}` : `coalesce(e.contact_id, nullIf(vc.contact, 0)) = ${sql.bind(of.contactId, "UInt64")}`;
  const got = await rows<{ type: "conversion" | "refund"; name: string; at: unknown; order_id: string | null; minor: unknown; currency: string | null; verified: unknown; props: string | null }>(
    ch, sql,
    `SELECT e.type AS type, e.name AS name, toUnixTimestamp64Milli(e.ts) AS at, e.order_id AS order_id, e.revenue_minor AS minor,
       e.currency AS currency, e.verified AS verified, e.props AS props
     FROM events AS e ${"contactId" in of ? contactJoin(sql, funnelId) : ""}
     WHERE e.funnel_id = ${sql.str(funnelId)} AND e.type IN ('conversion', 'refund') AND ${whose}
       AND (e.type = 'refund' OR e.order_id IS NOT NULL OR e.revenue_minor IS NOT NULL)
     ORDER BY e.ts DESC LIMIT ${sql.bind(limit, "UInt32")}`,
  );
  return got.map((r) => {
    const props = (r.props ? JSON.parse(r.props) : {}) as Record<string, unknown>;
    const test = props.test === true;
    const str = (k: string) => (typeof props[k] === "string" ? (props[k] as string) : null);
    const minor = r.minor === null ? null : num(r.minor);
    return {
      type: r.type, name: r.name, ts: num(r.at), orderId: r.order_id,
      amountMinor: minor ?? (typeof props.amount_minor === "number" ? props.amount_minor : null),
      currency: r.currency, verified: num(r.verified) === 1, counted: minor !== null && !test, test,
      provider: str("provider"), product: str("product"),
    };
  });
}
