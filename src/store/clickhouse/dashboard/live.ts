// The live timeline and the "right now" card over ClickHouse. The cursor is a row id
// (increasing as rows are written, src/store/clickhouse/schema-v1.ts), so late events
// with old timestamps still show up as new.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { AUTO_EVENT_NAMES } from "../../../analytics/event-kinds";
import type { Filter } from "../../../analytics/filters";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { fromMinorUnits } from "../../../pipeline/money";
import type { LiveNow, LiveResult } from "../../dashboard-views";
import { toEventView } from "../../sqlite/dashboard/event-list";
import type { LiveQuery } from "../../dashboard-reader";
import { contactJoin, contactNames, EVENT_COLUMNS, toRaw } from "./event-rows";
import { num, rows, Sql } from "./query";
import { visitRows } from "./visits-sql";

/** Filtered timelines look at visits of the last week. */
const LIVE_WINDOW_MS = 7 * DAY_MS;
const NOW_WINDOW_MS = 5 * 60_000;

export async function liveCursor(ch: ClickHouseClient): Promise<number> {
  const [r] = await rows<{ id: unknown }>(ch, new Sql(), "SELECT max(row_id) AS id FROM events");
  return num(r?.id);
}

export async function live(ch: ClickHouseClient, sqlite: Database, q: LiveQuery): Promise<LiveResult> {
  const sql = new Sql();
  const where = [`e.funnel_id = ${sql.str(q.funnelId)}`];
  if (q.after !== null) where.push(`e.row_id > ${sql.bind(q.after, "UInt64")}`);
  if (q.hideAuto) where.push(`NOT (e.type = 'track' AND e.name IN ${sql.bind([...AUTO_EVENT_NAMES], "Array(String)")})`);
  if (q.filters.length) where.push(`e.session_id IN (SELECT id FROM ${visitRows(sql, scopeOf(q.funnelId, q.filters, q.now))})`);
  const order = q.after === null ? "e.ts DESC, e.row_id DESC" : "e.row_id DESC";
  const query = `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(sql, q.funnelId)}
    WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${sql.bind(q.limit ?? 30, "UInt32")}`;
  // The cursor is read first: rows written in between show up again at the next read, never not at all.
  const latest = await liveCursor(ch);
  const got = (await rows<Record<string, unknown>>(ch, sql, query)).map(toRaw);
  const names = contactNames(sqlite, got.map((r) => r.contact_id));
  return {
    events: got.map((r) => {
      const c = r.contact_id === null ? undefined : names.get(r.contact_id);
      return { ...toEventView(r), rowId: r.row_id, contactEmail: c?.email ?? null, contactName: c?.name ?? null };
    }),
    cursor: Math.max(latest, q.after ?? 0, ...got.map((r) => r.row_id)),
  };
}

function scopeOf(funnelId: string, filters: Filter[], now: number) {
  return { funnelId, filters, from: now - LIVE_WINDOW_MS, to: now + HOUR_MS };
}

export async function liveNow(ch: ClickHouseClient, funnelId: string, now: number, since = now - DAY_MS): Promise<LiveNow> {
  const from = now - NOW_WINDOW_MS;
  const a = new Sql();
  const inWindow = `funnel_id = ${a.str(funnelId)} AND ts >= ${a.ms(from)}`;
  const b = new Sql();
  const c = new Sql();
  const d = new Sql();
  const [visitors, pages, sources, sales] = await Promise.all([
    rows<{ n: unknown }>(ch, a, `SELECT uniqExact(anonymous_id) AS n FROM events WHERE ${inWindow}`),
    // Each visitor's latest event with a page in the window says where they are now.
    rows<{ path: string; visitors: unknown }>(
      ch, b,
      `SELECT at_path AS path, count() AS visitors FROM (
         SELECT anonymous_id, argMax(path, ts) AS at_path FROM events
         WHERE funnel_id = ${b.str(funnelId)} AND ts >= ${b.ms(from)} AND path IS NOT NULL GROUP BY anonymous_id)
       GROUP BY at_path ORDER BY visitors DESC, at_path LIMIT 5`,
    ),
    // The visits with an event in the window, by their key.
    rows<{ source: string; visitors: unknown }>(
      ch, c,
      `SELECT coalesce(nullIf(visit_channel, ''), 'Direct') AS source, uniqExact(anon) AS visitors FROM (
         SELECT session_id, any(anonymous_id) AS anon, any(channel) AS visit_channel FROM visits
         WHERE funnel_id = ${c.str(funnelId)} AND session_id IN (
           SELECT session_id FROM events WHERE funnel_id = ${c.str(funnelId)} AND ts >= ${c.ms(from)})
         GROUP BY funnel_id, visit_start, session_id)
       GROUP BY source ORDER BY visitors DESC, source LIMIT 5`,
    ),
    rows<{ at: unknown; name: string; minor: unknown; currency: string; verified: unknown }>(
      ch, d,
      `SELECT toUnixTimestamp64Milli(ts) AS at, name, revenue_minor AS minor, currency, verified FROM events
       WHERE funnel_id = ${d.str(funnelId)} AND type = 'conversion' AND revenue_minor IS NOT NULL AND ts >= ${d.ms(since)}
       ORDER BY ts DESC LIMIT 5`,
    ),
  ]);
  return {
    visitors: num(visitors[0]?.n),
    pages: pages.map((p) => ({ path: p.path, visitors: num(p.visitors) })),
    sources: sources.map((s) => ({ source: s.source, visitors: num(s.visitors) })),
    sales: sales.map((r) => ({ ts: num(r.at), name: r.name, amount: fromMinorUnits(num(r.minor), r.currency), currency: r.currency, verified: num(r.verified) === 1 })),
  };
}
