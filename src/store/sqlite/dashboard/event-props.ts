// Opening one custom event: how its property values break down within a scope.
import type { Scope } from "../../../analytics/filters";
import { EVENT_TYPE_LIST, keyed, type Param, sessionWhere } from "./scope-sql";
import { PROPS_SQL } from "../layout";
import type { EventPropsResult, PropBreakdown } from "../../dashboard-views";

const MAX_KEYS = 20;
/** Property shares come from at most this many of the latest occurrences. */
export const PROPS_SAMPLE = 10_000;

export function eventProps(sqlite: import("bun:sqlite").Database, unkeyed: Scope, name: string, valuesPerKey = 10): EventPropsResult {
  // The event's rows come from the covering (funnel, kind, …) index. With filters,
  // each occurrence's visit must match them (checked by key).
  const scope = keyed(sqlite, unkeyed);
  const where = sessionWhere(scope);
  const filtered = scope.filters.length > 0;
  const match = `e.funnel = ? AND e.kind IN (SELECT id FROM kinds WHERE type IN (${EVENT_TYPE_LIST}) AND name = ?) AND e.ts >= ? AND e.ts < ?${
    filtered ? ` AND EXISTS (SELECT 1 FROM sessions s WHERE s.key = e.session AND ${where.sql})` : ""}`;
  const params = [scope.key, name, scope.from, scope.to, ...(filtered ? where.params : [])];
  const total = sqlite
    .query<{ n: number }, Param[]>(`SELECT count(*) AS n FROM events e INDEXED BY events_funnel_kind WHERE ${match}`)
    .get(...params)!.n;
  const rows = sqlite
    .query<{ key: string; value: string; n: number }, Param[]>(
      // Pick the latest rows from the index alone, then read only their props.
      `WITH latest AS MATERIALIZED (
         SELECT e.row_id AS id FROM events e INDEXED BY events_funnel_kind WHERE ${match} ORDER BY e.ts DESC LIMIT ${PROPS_SAMPLE}),
       ev AS MATERIALIZED (SELECT ${PROPS_SQL("x")} AS props FROM latest CROSS JOIN events x ON x.row_id = latest.id)
       SELECT j.key AS key, CASE WHEN j.type IN ('true', 'false') THEN j.type WHEN j.type = 'null' THEN '' ELSE CAST(j.value AS TEXT) END AS value,
         count(*) AS n
       FROM ev, json_each(ev.props) j WHERE ev.props IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, value`,
    )
    .all(...params);
  const byKey = new Map<string, PropBreakdown>();
  for (const r of rows) {
    let k = byKey.get(r.key);
    if (!k) byKey.set(r.key, (k = { key: r.key, count: 0, values: [], distinct: 0 }));
    k.count += r.n;
    k.distinct++;
    if (k.values.length < valuesPerKey) k.values.push({ value: r.value ?? "", count: r.n });
  }
  const props = [...byKey.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, MAX_KEYS);
  return { name, total, sample: Math.min(total, PROPS_SAMPLE), props };
}
