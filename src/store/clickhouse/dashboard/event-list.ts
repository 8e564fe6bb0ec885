// Events newest first over ClickHouse, as the read API lists them.
import type { ClickHouseClient } from "@clickhouse/client";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { EventList } from "../../dashboard-views";
import { toEventView } from "../../sqlite/dashboard/event-list";
import { contactJoin, EVENT_COLUMNS, toRaw } from "./event-rows";
import { rows, Sql } from "./query";

export async function listEvents(ch: ClickHouseClient, funnelId: string, limit: number, before: Cursor | null): Promise<EventList> {
  const sql = new Sql();
  const where = [`e.funnel_id = ${sql.str(funnelId)}`];
  if (before) {
    const ts = sql.ms(before.ts);
    where.push(`(e.ts < ${ts} OR (e.ts = ${ts} AND e.row_id < ${sql.bind(typeof before.tie === "number" ? before.tie : 0, "UInt64")}))`);
  }
  const got = (
    await rows<Record<string, unknown>>(
      ch, sql,
      `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(sql, funnelId)}
       WHERE ${where.join(" AND ")} ORDER BY e.ts DESC, e.row_id DESC LIMIT ${sql.bind(limit, "UInt32")}`,
    )
  ).map(toRaw);
  const last = got.at(-1);
  return { events: got.map(toEventView), next: got.length === limit && last ? formatCursor(last.ts, last.row_id) : null };
}
