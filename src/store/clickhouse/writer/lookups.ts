// What the ClickHouse writer reads before a run (never inside the SQLite transaction):
// which event ids are stored, visitors' recent visits, the contacts visitors belong
// to, and the conversions of orders. One query per kind per funnel per run.
import type { ClickHouseClient } from "@clickhouse/client";
import { VISITOR_EVENTS_CAP, type TimelineEvent } from "../../journey-reader";
import type { SessionAttribution } from "../../stored-row";
import { timelineEvent, type TimelineRow } from "../journeys/visitor-reads";

export type { SessionAttribution };

/** A visit as the writer needs it to decide where the next event goes. */
export interface VisitState extends SessionAttribution {
  id: string;
  anonymousId: string;
  /** The opening event's time: with the id, the visit's key in `visits`. */
  visitStart: number;
  startedAt: number;
  lastAt: number;
  /** What automations' payloads show of the visit (SessionInfo), besides its attribution. */
  entryPath: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
}

/** A conversion naming an order, as stored. */
export interface OrderConversion {
  rowId: number;
  id: string;
  ts: number;
  sessionId: string;
  visitStart: number;
  anonymousId: string;
  contactId: number | null;
  revenueMinor: number | null;
  currency: string | null;
  verified: boolean;
}

export interface OrderState {
  conversions: OrderConversion[];
  /** Refunded so far per currency (minor units, positive). */
  refunded: Map<string, number>;
}

const ms = (col: string) => `toUnixTimestamp64Milli(${col})`;
const VISIT_COLUMNS = `session_id AS id, any(anonymous_id) AS anonymousId, ${ms("visit_start")} AS visitStart,
  ${ms("min(started_at)")} AS startedAt, ${ms("max(last_at)")} AS lastAt,
  any(channel) AS channel, any(referrer_host) AS referrerHost, any(utm_source) AS utmSource, any(utm_medium) AS utmMedium,
  any(utm_campaign) AS utmCampaign, any(utm_term) AS utmTerm, any(utm_content) AS utmContent, any(click_id) AS clickId,
  nullIf(argMinMerge(entry_path), '') AS entryPath, any(country) AS country, any(device) AS device, any(browser) AS browser, any(os) AS os`;

type VisitRow = Omit<VisitState, "startedAt" | "lastAt"> & { startedAt: number | null; lastAt: number | null };

/**
 * A list as an SQL literal, in the query's body: bound as a URL parameter, a run's
 * thousand ids would pass the URL limits of servers and proxies.
 */
export function stringList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`).join(",")}]`;
}

function numberList(values: readonly number[]): string {
  return `[${values.map((v) => String(Math.trunc(Number(v)))).join(",")}]`;
}

/** Values per query: keeps each query well under the server's max_query_size (256 KiB by default). */
const CHUNK = 2000;

export class WriterLookups {
  constructor(private client: ClickHouseClient) {}

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const rs = await this.client.query({ query, query_params: params, format: "JSONEachRow" });
    return rs.json<T>();
  }

  /** Runs a query per chunk of values (one after the other) and concatenates the rows. */
  private async chunked<V, T>(values: readonly V[], query: (chunk: V[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < values.length; i += CHUNK) for (const r of await query(values.slice(i, i + CHUNK))) out.push(r);
    return out;
  }

  async storedIds(funnelId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.chunked(ids, (c) => this.rows<{ id: string }>(`SELECT id FROM event_ids WHERE funnel_id = {f:String} AND id IN ${stringList(c)}`, { f: funnelId }));
    return new Set(rows.map((r) => r.id));
  }

  /** Each visitor's latest visit among those that started since `since`. */
  async latestVisits(funnelId: string, visitors: string[], since: number): Promise<Map<string, VisitState>> {
    const out = new Map<string, VisitState>();
    if (!visitors.length) return out;
    const rows = await this.chunked(visitors, (c) =>
      this.rows<VisitRow>(
        `SELECT ${VISIT_COLUMNS} FROM visits
         WHERE funnel_id = {f:String} AND anonymous_id IN ${stringList(c)} AND visit_start >= fromUnixTimestamp64Milli({since:Int64})
         GROUP BY funnel_id, visit_start, session_id`,
        { f: funnelId, since },
      ),
    );
    for (const r of rows.map(visitOf)) {
      const seen = out.get(r.anonymousId);
      if (!seen || r.lastAt > seen.lastAt) out.set(r.anonymousId, r);
    }
    return out;
  }

  async visitsById(funnelId: string, sessionIds: string[], since: number): Promise<Map<string, VisitState>> {
    const out = new Map<string, VisitState>();
    if (!sessionIds.length) return out;
    const rows = await this.chunked(sessionIds, (c) =>
      this.rows<VisitRow>(
        `SELECT ${VISIT_COLUMNS} FROM visits
         WHERE funnel_id = {f:String} AND session_id IN ${stringList(c)} AND visit_start >= fromUnixTimestamp64Milli({since:Int64})
         GROUP BY funnel_id, visit_start, session_id`,
        { f: funnelId, since },
      ),
    );
    for (const r of rows.map(visitOf)) out.set(r.id, r);
    return out;
  }

  async contactsOf(funnelId: string, visitors: string[]): Promise<Map<string, number>> {
    if (!visitors.length) return new Map();
    const rows = await this.chunked(visitors, (c) =>
      this.rows<{ v: string; c: number }>(
        `SELECT anonymous_id AS v, argMax(contact_id, linked_at) AS c FROM visitor_contacts
         WHERE funnel_id = {f:String} AND anonymous_id IN ${stringList(c)} GROUP BY anonymous_id`,
        { f: funnelId },
      ),
    );
    return new Map(rows.map((r) => [r.v, Number(r.c)]));
  }

  /** Each contact's most recently linked visitor. */
  async latestVisitors(funnelId: string, contactIds: number[]): Promise<Map<number, string>> {
    if (!contactIds.length) return new Map();
    const rows = await this.chunked(contactIds, (ids) =>
      this.rows<{ c: number; v: string }>(
        `SELECT c, argMax(v, at) AS v FROM (
           SELECT anonymous_id AS v, argMax(contact_id, linked_at) AS c, max(linked_at) AS at FROM visitor_contacts
           WHERE funnel_id = {f:String} GROUP BY anonymous_id)
         WHERE c IN ${numberList(ids)} GROUP BY c`,
        { f: funnelId },
      ),
    );
    return new Map(rows.map((r) => [Number(r.c), r.v]));
  }

  async orders(funnelId: string, orderIds: string[]): Promise<Map<string, OrderState>> {
    const out = new Map<string, OrderState>();
    for (const id of orderIds) out.set(id, { conversions: [], refunded: new Map() });
    if (!orderIds.length) return out;
    type Row = Omit<OrderConversion, "verified"> & { orderId: string; type: string; verified: number };
    const rows = await this.chunked(orderIds, (c) => this.rows<Row>(
      `SELECT order_id AS orderId, type, row_id AS rowId, id, ${ms("ts")} AS ts, session_id AS sessionId, ${ms("visit_start")} AS visitStart,
        anonymous_id AS anonymousId, contact_id AS contactId, revenue_minor AS revenueMinor, currency, verified
       FROM events WHERE funnel_id = {f:String} AND order_id IN ${stringList(c)} AND type IN ('conversion', 'refund')
       ORDER BY row_id`,
      { f: funnelId },
    ));
    for (const r of rows) {
      const state = out.get(r.orderId)!;
      if (r.type === "refund") {
        if (r.currency) state.refunded.set(r.currency, (state.refunded.get(r.currency) ?? 0) - (r.revenueMinor ?? 0));
        continue;
      }
      state.conversions.push({ ...r, rowId: Number(r.rowId), contactId: r.contactId === null ? null : Number(r.contactId), verified: Number(r.verified) === 1 });
    }
    return out;
  }

  /** Each visitor's events with from <= ts <= to, oldest first (the latest VISITOR_EVENTS_CAP of each). */
  async timelines(funnelId: string, visitors: string[], from: number, to: number): Promise<Map<string, TimelineEvent[]>> {
    const out = new Map<string, TimelineEvent[]>();
    if (!visitors.length) return out;
    type Row = TimelineRow & { v: string };
    const rows = await this.chunked(visitors, (c) =>
      this.rows<Row>(
        `SELECT anonymous_id AS v, row_id, type, name, path, props, ${ms("ts")} AS at FROM events
         WHERE funnel_id = {f:String} AND anonymous_id IN ${stringList(c)}
           AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
         ORDER BY ts DESC, row_id DESC LIMIT ${VISITOR_EVENTS_CAP} BY anonymous_id`,
        { f: funnelId, from: Math.trunc(from), to: Math.trunc(to) },
      ),
    );
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      let list = out.get(r.v);
      if (!list) out.set(r.v, (list = []));
      list.push(timelineEvent(r));
    }
    return out;
  }

  /** The largest row id stored: new ones start above it. */
  async maxRowId(): Promise<number> {
    const [r] = await this.rows<{ m: number }>("SELECT max(row_id) AS m FROM events", {});
    return Number(r?.m ?? 0);
  }
}

function visitOf(r: VisitRow): VisitState {
  const startedAt = r.startedAt ?? r.visitStart;
  return { ...r, visitStart: Number(r.visitStart), startedAt: Number(startedAt), lastAt: Number(r.lastAt ?? startedAt) };
}
