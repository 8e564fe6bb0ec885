// What the results of an experiment are computed from, read from the events: each
// exposed visitor (first exposure, its variant, device and channel), the events they
// did at or after it, and the orders they paid for (net of refunds), all within the
// experiment's dates. Orders are the conversions that carry revenue, as everywhere
// (src/store/sqlite/writer/orders.ts makes one order count once; src/store/sqlite/dashboard/revenue-orders.ts).
// A visitor's later events are found through their visits (sessions by visitor, then
// events by session); visitors leave as their public ids.
import type { Database } from "bun:sqlite";
import type { OrderRow } from "../../dashboard-views";
import type { ExposedVisitor, LaterEvent, ResultsWindow } from "../../journey-reader";
import { decodePublicId, funnelKey, NO_VISIT, PROPS_SQL } from "../layout";

type PublicId = string | Uint8Array;
type Params = Record<string, string | number | null>;

// The first exposure per visitor: SQLite takes the bare columns from the row min() picked.
const EXPOSED = `x AS (
  SELECT visitor, json_extract(props, '$.variant') AS variant, min(ts) AS first, client, source
  FROM (SELECT visitor, ts, client, source, ${PROPS_SQL("e")} AS props FROM events e INDEXED BY events_funnel_kind
        WHERE funnel = $funnel AND kind = (SELECT id FROM kinds WHERE type = 'track' AND name = '$exposure') AND ts >= $from AND ts <= $to)
  WHERE json_extract(props, '$.experiment') = $key
  GROUP BY visitor
)`;

/**
 * The exposed visitors' events at or after their first exposure: through their visits,
 * and those with no visit (NO_VISIT, payments that found none) by the session index.
 */
const LATER = `later AS (
  SELECT x.visitor AS vkey, e.kind, e.path, e.props, e.revenue_minor, e.currency, e.verified, e.order_id
  FROM x JOIN sessions s INDEXED BY sessions_funnel_visitor ON s.funnel = $funnel AND s.visitor = x.visitor AND s.started_at <= $to
    JOIN events e INDEXED BY events_funnel_session ON e.funnel = $funnel AND e.session = s.key AND e.ts >= x.first AND e.ts <= $to
  WHERE e.visitor = x.visitor
  UNION ALL
  SELECT x.visitor, e.kind, e.path, e.props, e.revenue_minor, e.currency, e.verified, e.order_id
  FROM events e INDEXED BY events_funnel_session JOIN x ON x.visitor = e.visitor AND e.ts >= x.first
  WHERE e.funnel = $funnel AND e.session = ${NO_VISIT} AND e.ts <= $to
)`;

const params = (sqlite: Database, w: ResultsWindow): Params => ({ funnel: funnelKey(sqlite, w.funnelId), key: w.key, from: w.from, to: w.to });

/** Public ids decoded once per visitor key. */
function decoder(): (key: number, id: PublicId) => string {
  const seen = new Map<number, string>();
  return (key, id) => {
    let s = seen.get(key);
    if (s === undefined) seen.set(key, (s = decodePublicId(id)));
    return s;
  };
}

export function exposedVisitors(sqlite: Database, w: ResultsWindow): ExposedVisitor[] {
  const rows = sqlite
    .query<Omit<ExposedVisitor, "visitor"> & { id: PublicId }, Params>(
      `WITH ${EXPOSED}
       SELECT v.public_id AS id, x.variant, x.first, c.device, src.channel
       FROM x JOIN visitors v ON v.key = x.visitor LEFT JOIN clients c ON c.id = x.client LEFT JOIN sources src ON src.id = x.source
       WHERE x.variant IS NOT NULL`,
    )
    .all(params(sqlite, w));
  // In the order of the public ids, as before the visitors had keys.
  return rows
    .map(({ id, variant, first, device, channel }) => ({ visitor: decodePublicId(id), variant, first, device, channel }))
    .sort((a, b) => (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0));
}

/** Page views, custom events and conversions of exposed visitors at or after their first exposure. */
export function eventsAfterExposure(sqlite: Database, w: ResultsWindow): LaterEvent[] {
  const decode = decoder();
  return sqlite
    .query<Omit<LaterEvent, "visitor"> & { vkey: number; id: PublicId }, Params>(
      `WITH ${EXPOSED}, ${LATER}
       SELECT l.vkey, v.public_id AS id, k.type, k.name, p.value AS path, ${PROPS_SQL("l")} AS props
       FROM later l JOIN visitors v ON v.key = l.vkey JOIN kinds k ON k.id = l.kind LEFT JOIN strings p ON p.id = l.path
       WHERE k.type IN ('page_view', 'track', 'conversion') AND NOT (k.type = 'track' AND k.name = '$exposure')`,
    )
    .all(params(sqlite, w))
    .map(({ vkey, id, type, name, path, props }) => ({ visitor: decode(vkey, id), type, name, path, props }));
}

/** Orders of exposed visitors at or after their first exposure, value = the visitor, refunds since netted by summarize(). */
export function ordersAfterExposure(sqlite: Database, w: ResultsWindow): OrderRow[] {
  const decode = decoder();
  return sqlite
    .query<Omit<OrderRow, "value"> & { vkey: number; id: PublicId }, Params>(
      `WITH ${EXPOSED}, ${LATER}
       SELECT l.currency, coalesce(l.verified, 0) AS verified, l.revenue_minor AS gross, l.vkey, v.public_id AS id,
         CASE WHEN l.order_id IS NULL THEN 0 ELSE coalesce((
           SELECT -sum(r.revenue_minor) FROM events r INDEXED BY events_funnel_order
           WHERE r.funnel = $funnel AND r.order_id = l.order_id AND r.kind IN (SELECT id FROM kinds WHERE type = 'refund') AND r.currency = l.currency
         ), 0) END AS refunded
       FROM later l JOIN visitors v ON v.key = l.vkey
       WHERE l.kind IN (SELECT id FROM kinds WHERE type = 'conversion') AND l.revenue_minor IS NOT NULL AND l.currency IS NOT NULL`,
    )
    .all(params(sqlite, w))
    .map(({ currency, verified, gross, refunded, vkey, id }) => ({ currency, verified, gross, value: decode(vkey, id), refunded }));
}
