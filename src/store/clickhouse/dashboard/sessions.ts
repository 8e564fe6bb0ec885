// The sessions page over ClickHouse: visits of a scope newest first, one visit with its
// events and orders, and the read API's list of visits.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { formatCursor, type Cursor } from "../../../analytics/cursor";
import type { Scope } from "../../../analytics/filters";
import type { EventView, SessionList, SessionPage, SessionRow, SessionView } from "../../dashboard-views";
import { toEventView } from "../../sqlite/dashboard/event-list";
import { toSessionView } from "../../sqlite/dashboard/session-list";
import { contactJoin, contactNames, EVENT_COLUMNS, toRaw } from "./event-rows";
import { num, rows, Sql } from "./query";
import { VISIT_ATTRIBUTES, visitRows, visitsWhere } from "./visits-sql";

type VisitRaw = Parameters<typeof toSessionView>[0];

/** Visits (alias s) with their contact: the visit's own, else the identify mapping's. */
export function withContact(sql: Sql, funnelId: string, visits: string): string {
  return `SELECT s.*, coalesce(s.contact_id, nullIf(vc.contact, 0)) AS contact FROM ${visits} AS s ${contactJoin(sql, funnelId, "s")}`;
}

/** A visit row as JSON → the SQLite row shape toSessionView reads (revenue: a JSON object of minor units). */
export function toVisitRaw(r: Record<string, unknown>): VisitRaw {
  const [currencies, amounts] = (r.revenue as [string[], unknown[]] | null) ?? [[], []];
  const revenue: Record<string, number> = {};
  currencies.forEach((c, i) => (revenue[c] = num(amounts[i])));
  const text = (k: string) => (r[k] ?? null) as string | null;
  return {
    key: 0, // SQLite's visit key; ClickHouse visits have none
    id: r.id as string, anonymous_id: r.anonymous_id as string, contact_id: r.contact === null || r.contact === undefined ? null : num(r.contact),
    started_at: num(r.started_at), last_at: num(r.last_at), duration_ms: num(r.duration_ms), entry_path: text("entry_path"),
    exit_path: text("exit_path"), pageviews: num(r.pageviews), events: num(r.events), bounce: num(r.bounce), converted: num(r.converted),
    conversions: num(r.conversions), revenue: JSON.stringify(revenue),
    ...(Object.fromEntries(VISIT_ATTRIBUTES.map((c) => [c, text(c)])) as Pick<VisitRaw, (typeof VISIT_ATTRIBUTES)[number]>),
  };
}

function sessionRows(sqlite: Database, got: Record<string, unknown>[]): SessionRow[] {
  const views = got.map((r) => toSessionView(toVisitRaw(r)));
  const names = contactNames(sqlite, views.map((v) => v.contactId));
  return views.map((v) => {
    const c = v.contactId === null ? undefined : names.get(v.contactId);
    return { ...v, contactEmail: c?.email ?? null, contactName: c?.name ?? null };
  });
}

export async function browseSessions(ch: ClickHouseClient, sqlite: Database, scope: Scope, limit: number, before: { startedAt: number; id: string } | null): Promise<SessionPage> {
  const sql = new Sql();
  const keyset = before ? `WHERE s.started_at < ${sql.bind(before.startedAt, "Int64")} OR (s.started_at = ${sql.bind(before.startedAt, "Int64")} AND s.id < ${sql.str(before.id)})` : "";
  const got = await rows<Record<string, unknown>>(
    ch, sql,
    `${withContact(sql, scope.funnelId, visitRows(sql, scope))} ${keyset} ORDER BY s.started_at DESC, s.id DESC LIMIT ${sql.bind(limit, "UInt32")}`,
  );
  const sessions = sessionRows(sqlite, got);
  const last = sessions.at(-1);
  return { sessions, next: sessions.length === limit && last ? `${last.startedAt}.${last.id}` : null };
}

export async function getSession(ch: ClickHouseClient, sqlite: Database, funnelId: string, sessionId: string): Promise<SessionRow | null> {
  const sql = new Sql();
  const got = await rows<Record<string, unknown>>(ch, sql, withContact(sql, funnelId, visitsWhere(sql, funnelId, `session_id = ${sql.str(sessionId)}`)));
  return sessionRows(sqlite, got)[0] ?? null;
}

export async function sessionEvents(ch: ClickHouseClient, funnelId: string, sessionId: string, limit = 2000): Promise<EventView[]> {
  const sql = new Sql();
  const got = await rows<Record<string, unknown>>(
    ch, sql,
    `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(sql, funnelId)}
     WHERE e.funnel_id = ${sql.str(funnelId)} AND e.session_id = ${sql.str(sessionId)} ORDER BY e.ts, e.row_id LIMIT ${sql.bind(limit, "UInt32")}`,
  );
  return got.map((r) => toEventView(toRaw(r)));
}

/** The read API's visits, newest first, over the funnel's whole history. */
export async function listSessions(ch: ClickHouseClient, funnelId: string, limit: number, before: Cursor | null): Promise<SessionList> {
  const sql = new Sql();
  const keyset = before
    ? `WHERE s.started_at < ${sql.bind(before.ts, "Int64")} OR (s.started_at = ${sql.bind(before.ts, "Int64")} AND s.id < ${sql.str(String(before.tie))})`
    : "";
  const visits = visitsWhere(sql, funnelId, before ? `visit_start < ${sql.ms(before.ts + 86_400_000)}` : "1");
  const got = await rows<Record<string, unknown>>(
    ch, sql,
    `${withContact(sql, funnelId, visits)} ${keyset} ORDER BY s.started_at DESC, s.id DESC LIMIT ${sql.bind(limit, "UInt32")}`,
  );
  const sessions: SessionView[] = got.map((r) => toSessionView(toVisitRaw(r)));
  const last = sessions.at(-1);
  return { sessions, next: sessions.length === limit && last ? formatCursor(last.startedAt, last.id) : null };
}
