// What the results of an experiment are computed from, read from the events: each
// exposed visitor (first exposure, its variant, device and channel), the events they
// did at or after it, and the orders they paid for (net of refunds), all within the
// experiment's dates. Orders are the conversions that carry revenue, as everywhere
// (src/store/sqlite/writer/orders.ts makes one order count once; src/store/sqlite/dashboard/revenue-orders.ts).
import type { Database } from "bun:sqlite";
import type { OrderRow } from "../../dashboard-views";
import type { ExposedVisitor, LaterEvent, ResultsWindow } from "../../journey-reader";

// The first exposure per visitor: SQLite takes the bare columns from the row min() picked.
const EXPOSED = `x AS (
  SELECT anonymous_id AS visitor, json_extract(props, '$.variant') AS variant, min(ts) AS first, device, channel
  FROM events INDEXED BY events_funnel_type_name
  WHERE funnel_id = $funnel AND type = 'track' AND name = '$exposure' AND ts >= $from AND ts <= $to
    AND json_extract(props, '$.experiment') = $key
  GROUP BY anonymous_id
)`;

const params = (w: ResultsWindow) => ({ funnel: w.funnelId, key: w.key, from: w.from, to: w.to });

export function exposedVisitors(sqlite: Database, w: ResultsWindow): ExposedVisitor[] {
  return sqlite.query<ExposedVisitor, Record<string, string | number>>(`WITH ${EXPOSED} SELECT visitor, variant, first, device, channel FROM x WHERE variant IS NOT NULL`).all(params(w));
}

/** Page views, custom events and conversions of exposed visitors at or after their first exposure. */
export function eventsAfterExposure(sqlite: Database, w: ResultsWindow): LaterEvent[] {
  return sqlite
    .query<LaterEvent, Record<string, string | number>>(
      `WITH ${EXPOSED}
       SELECT x.visitor, e.type, e.name, e.path, e.props
       FROM x JOIN events e INDEXED BY events_funnel_anon ON e.funnel_id = $funnel AND e.anonymous_id = x.visitor AND e.ts >= x.first AND e.ts <= $to
       WHERE e.type IN ('page_view', 'track', 'conversion') AND NOT (e.type = 'track' AND e.name = '$exposure')`,
    )
    .all(params(w));
}

/** Orders of exposed visitors at or after their first exposure, value = the visitor, refunds since netted by summarize(). */
export function ordersAfterExposure(sqlite: Database, w: ResultsWindow): OrderRow[] {
  return sqlite
    .query<OrderRow, Record<string, string | number>>(
      `WITH ${EXPOSED}
       SELECT o.currency, o.verified, o.revenue_minor AS gross, x.visitor AS value,
         CASE WHEN o.order_id IS NULL THEN 0 ELSE coalesce((
           SELECT -sum(r.revenue_minor) FROM events r INDEXED BY events_funnel_order
           WHERE r.funnel_id = o.funnel_id AND r.order_id = o.order_id AND r.type = 'refund' AND r.currency = o.currency
         ), 0) END AS refunded
       FROM x JOIN events o INDEXED BY events_funnel_anon ON o.funnel_id = $funnel AND o.anonymous_id = x.visitor AND o.ts >= x.first AND o.ts <= $to
       WHERE o.type = 'conversion' AND o.revenue_minor IS NOT NULL AND o.currency IS NOT NULL`,
    )
    .all(params(w));
}
