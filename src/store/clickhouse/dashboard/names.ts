// Small lookups over ClickHouse: whether visits carry regions, and the names a funnel's
// conversions and identifies go by.
import type { ClickHouseClient } from "@clickhouse/client";
import type { EventNameKinds } from "../../../analytics/event-kinds";
import { rows, Sql } from "./query";

export async function hasGeoDetail(ch: ClickHouseClient, funnelId: string): Promise<boolean> {
  const sql = new Sql();
  const got = await rows<{ x: unknown }>(ch, sql, `SELECT 1 AS x FROM visits WHERE funnel_id = ${sql.str(funnelId)} AND region IS NOT NULL LIMIT 1`);
  return got.length > 0;
}

/** The distinct names events of one type go by, in name order, at most `cap`. */
export async function distinctEventNames(ch: ClickHouseClient, funnelId: string, type: string, cap = 1000): Promise<string[]> {
  const sql = new Sql();
  const got = await rows<{ name: string }>(
    ch, sql,
    `SELECT DISTINCT name FROM events WHERE funnel_id = ${sql.str(funnelId)} AND type = ${sql.str(type)} ORDER BY name LIMIT ${sql.bind(cap, "UInt32")}`,
  );
  return got.map((r) => r.name);
}

export async function eventNameKinds(ch: ClickHouseClient, funnelId: string): Promise<EventNameKinds> {
  const [conversions, identifies] = await Promise.all([distinctEventNames(ch, funnelId, "conversion"), distinctEventNames(ch, funnelId, "identify")]);
  return { conversions: new Set(conversions), identifies: new Set(identifies) };
}
