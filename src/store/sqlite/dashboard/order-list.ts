// The orders and refunds that belong to a visit or a contact, for their dashboard pages.
import type { Database } from "bun:sqlite";
import type { OrderLine } from "../../dashboard-views";

interface Row {
  type: "conversion" | "refund"; name: string; ts: number; order_id: string | null; revenue_minor: number | null;
  currency: string | null; verified: number; props: string | null; flags: string | null;
}

export function ordersOf(sqlite: Database, funnelId: string, of: { sessionId: string } | { contactId: number }, limit = 200): OrderLine[] {
  const [column, value] = "sessionId" in of ? ["session_id", of.sessionId] : ["contact_id", of.contactId];
  const rows = sqlite
    .query<Row, [string, string | number]>(
      `SELECT type, name, ts, order_id, revenue_minor, currency, verified, props, flags
       FROM events INDEXED BY events_funnel_type_name
       WHERE funnel_id = ? AND type IN ('conversion', 'refund') AND ${column} = ?
         AND (type = 'refund' OR order_id IS NOT NULL OR revenue_minor IS NOT NULL)
       ORDER BY ts DESC LIMIT ${limit}`,
    )
    .all(funnelId, value);
  return rows.map((r) => {
    const props = (r.props ? JSON.parse(r.props) : {}) as Record<string, unknown>;
    const test = props.test === true;
    const str = (k: string) => (typeof props[k] === "string" ? (props[k] as string) : null);
    return {
      type: r.type, name: r.name, ts: r.ts, orderId: r.order_id,
      amountMinor: r.revenue_minor ?? (typeof props.amount_minor === "number" ? props.amount_minor : null),
      currency: r.currency, verified: r.verified === 1, counted: r.revenue_minor !== null && !test, test,
      provider: str("provider"), product: str("product"),
    };
  });
}
