// The orders and refunds that belong to a visit or a contact, for their dashboard pages.
import type { Database } from "bun:sqlite";
import type { OrderLine } from "../../dashboard-views";
import { PROPS_SQL } from "../layout";

interface Row {
  type: "conversion" | "refund"; name: string; ts: number; order_id: string | null; revenue_minor: number | null;
  currency: string | null; verified: number | null; props: string | null; flags: string | null;
}

export function ordersOf(sqlite: Database, funnel: number | null, of: { session: number } | { contactId: number }, limit = 200): OrderLine[] {
  // A visit's few events come from (funnel, session, …); a contact's orders from the
  // funnel's conversions and refunds in (funnel, kind, …).
  const [index, column, value] = "session" in of ? ["events_funnel_session", "session", of.session] : ["events_funnel_kind", "contact_id", of.contactId];
  const rows = sqlite
    .query<Row, [number | null, number]>(
      `SELECT k.type AS type, k.name AS name, e.ts AS ts, e.order_id AS order_id, e.revenue_minor AS revenue_minor, e.currency AS currency,
         e.verified AS verified, ${PROPS_SQL("e")} AS props, e.flags AS flags
       FROM events e INDEXED BY ${index} CROSS JOIN kinds k ON k.id = e.kind
       WHERE e.funnel = ? AND e.kind IN (SELECT id FROM kinds WHERE type IN ('conversion', 'refund')) AND e.${column} = ?
         AND (k.type = 'refund' OR e.order_id IS NOT NULL OR e.revenue_minor IS NOT NULL)
       ORDER BY e.ts DESC LIMIT ${limit}`,
    )
    .all(funnel, value);
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
