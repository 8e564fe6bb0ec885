// What an experiment's results are computed from, over ClickHouse: each exposed visitor's
// first exposure (variant, device, channel), the events they did at or after it and the
// orders they paid for, within the experiment's dates (as the SQLite store reads them).
import type { ClickHouseClient } from "@clickhouse/client";
import type { OrderRow } from "../../dashboard-views";
import type { ExposedVisitor, LaterEvent, ResultsWindow } from "../../journey-reader";
import { num, rows, Sql } from "../dashboard/query";

/** The first exposure per visitor (columns visitor, variant, first, device, channel). */
function exposed(sql: Sql, w: ResultsWindow): string {
  return `SELECT anonymous_id AS visitor, argMin(JSONExtract(coalesce(props, '{}'), 'variant', 'Nullable(String)'), (ts, row_id)) AS variant,
      toUnixTimestamp64Milli(min(ts)) AS first, argMin(device, (ts, row_id)) AS device, argMin(channel, (ts, row_id)) AS channel
    FROM events
    WHERE funnel_id = ${sql.str(w.funnelId)} AND type = 'track' AND name = '$exposure' AND ts >= ${sql.ms(w.from)} AND ts <= ${sql.ms(w.to)}
      AND JSONExtract(coalesce(props, '{}'), 'experiment', 'Nullable(String)') = ${sql.str(w.key)}
    GROUP BY anonymous_id`;
}

export async function exposedVisitors(ch: ClickHouseClient, w: ResultsWindow): Promise<ExposedVisitor[]> {
  const sql = new Sql();
  const got = await rows<ExposedVisitor & { first: unknown }>(ch, sql, `SELECT visitor, variant, first, device, channel FROM (${exposed(sql, w)}) WHERE variant IS NOT NULL`);
  return got.map((r) => ({ visitor: r.visitor, variant: r.variant, first: num(r.first), device: r.device, channel: r.channel }));
}

export async function eventsAfterExposure(ch: ClickHouseClient, w: ResultsWindow): Promise<LaterEvent[]> {
  const sql = new Sql();
  return rows<LaterEvent>(
    ch, sql,
    `SELECT x.visitor AS visitor, e.type AS type, e.name AS name, e.path AS path, e.props AS props
     FROM events AS e INNER JOIN (${exposed(sql, w)}) AS x ON x.visitor = e.anonymous_id
     WHERE e.funnel_id = ${sql.str(w.funnelId)} AND toUnixTimestamp64Milli(e.ts) >= x.first AND e.ts <= ${sql.ms(w.to)}
       AND e.type IN ('page_view', 'track', 'conversion') AND NOT (e.type = 'track' AND e.name = '$exposure')`,
  );
}

export async function ordersAfterExposure(ch: ClickHouseClient, w: ResultsWindow): Promise<OrderRow[]> {
  const sql = new Sql();
  const got = await rows<{ currency: string; verified: unknown; gross: unknown; value: string; refunded: unknown; order_id: string | null }>(
    ch, sql,
    `SELECT o.currency AS currency, o.verified AS verified, o.revenue_minor AS gross, x.visitor AS value, if(o.order_id IS NULL, 0, r.refunded) AS refunded
     FROM events AS o INNER JOIN (${exposed(sql, w)}) AS x ON x.visitor = o.anonymous_id
     LEFT JOIN (SELECT order_id, currency, -sum(revenue_minor) AS refunded FROM events
                WHERE funnel_id = ${sql.str(w.funnelId)} AND type = 'refund' AND order_id IS NOT NULL GROUP BY order_id, currency) AS r
       ON r.order_id = o.order_id AND r.currency = o.currency
     WHERE o.funnel_id = ${sql.str(w.funnelId)} AND toUnixTimestamp64Milli(o.ts) >= x.first AND o.ts <= ${sql.ms(w.to)}
       AND o.type = 'conversion' AND o.revenue_minor IS NOT NULL AND o.currency IS NOT NULL`,
  );
  return got.map((r) => ({ currency: r.currency, verified: num(r.verified), gross: num(r.gross), value: r.value, refunded: num(r.refunded) }));
}
