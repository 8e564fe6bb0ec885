// Opening one custom event over ClickHouse: how its property values break down within
// a scope, counted over its latest occurrences (as many as the SQLite store samples).
import type { ClickHouseClient } from "@clickhouse/client";
import type { Scope } from "../../../analytics/filters";
import { EVENT_TYPES } from "../../../ingest/payload";
import type { EventPropsResult, PropBreakdown } from "../../dashboard-views";
import { PROPS_SAMPLE } from "../../sqlite/dashboard/event-props";
import { num, rows, Sql } from "./query";
import { visitRows } from "./visits-sql";

const MAX_KEYS = 20;

/** A property value as text, as SQLite's json_each gives it: true/false, "" for null, JSON for objects. */
function valueText(v: unknown): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export async function eventProps(ch: ClickHouseClient, scope: Scope, name: string, valuesPerKey = 10): Promise<EventPropsResult> {
  const a = new Sql();
  const b = new Sql();
  const match = (sql: Sql) =>
    `e.funnel_id = ${sql.str(scope.funnelId)} AND e.type IN ${sql.bind([...EVENT_TYPES], "Array(String)")} AND e.name = ${sql.str(name)}
     AND e.ts >= ${sql.ms(scope.from)} AND e.ts < ${sql.ms(scope.to)}${scope.filters.length ? ` AND e.session_id IN (SELECT id FROM ${visitRows(sql, scope)})` : ""}`;
  const [[total], latest] = await Promise.all([
    rows<{ n: unknown }>(ch, a, `SELECT count() AS n FROM events AS e WHERE ${match(a)}`),
    rows<{ props: string | null }>(ch, b, `SELECT e.props AS props FROM events AS e WHERE ${match(b)} ORDER BY e.ts DESC LIMIT ${PROPS_SAMPLE}`),
  ]);
  const counts = new Map<string, Map<string, number>>();
  for (const { props } of latest) {
    if (!props) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(props) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [key, value] of Object.entries(parsed)) {
      const values = counts.get(key) ?? counts.set(key, new Map()).get(key)!;
      const text = valueText(value);
      values.set(text, (values.get(text) ?? 0) + 1);
    }
  }
  const props: PropBreakdown[] = [...counts].map(([key, values]) => {
    const sorted = [...values].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    return { key, count: sorted.reduce((n, [, c]) => n + c, 0), distinct: sorted.length, values: sorted.slice(0, valuesPerKey).map(([value, count]) => ({ value, count })) };
  });
  props.sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
  const n = num(total?.n);
  return { name, total: n, sample: Math.min(n, PROPS_SAMPLE), props: props.slice(0, MAX_KEYS) };
}
