// What automations read of a visitor outside the processing run (the abandonment check,
// a job on the HTTP thread), over ClickHouse: the same answers as the SQLite lookups
// (../../sqlite/journeys/visitor-lookups.ts). Contacts themselves stay in SQLite.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { toEventView } from "../../sqlite/dashboard/event-list";
import { contactInfoLookup } from "../../sqlite/journeys/visitor-lookups";
import { VISITOR_EVENTS_CAP, type SessionInfo, type TimelineEvent, type VisitorReads } from "../../journey-reader";
import { contactJoin, EVENT_COLUMNS, toRaw } from "../dashboard/event-rows";
import { num, rows, Sql } from "../dashboard/query";
import { visitsWhere } from "../dashboard/visits-sql";

interface VisitRow {
  started_at: unknown;
  entry_path: string | null;
  channel: string | null;
  referrer_host: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  click_id: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
}

/** A visit as automations' payloads show it (SessionInfo), from a folded visits row. */
export function sessionInfoOf(id: string, r: VisitRow): SessionInfo {
  return {
    id, startedAt: num(r.started_at), entryPath: r.entry_path, channel: r.channel, referrerHost: r.referrer_host,
    utm_source: r.utm_source, utm_medium: r.utm_medium, utm_campaign: r.utm_campaign, utm_term: r.utm_term,
    utm_content: r.utm_content, clickId: r.click_id, country: r.country, device: r.device, browser: r.browser, os: r.os,
  };
}

export function clickhouseVisitorReads(ch: ClickHouseClient, sqlite: Database): VisitorReads {
  const contact = contactInfoLookup(sqlite);
  return {
    async sessionOf(funnelId, sessionId) {
      const sql = new Sql();
      const [r] = await rows<VisitRow>(ch, sql, `SELECT * FROM ${visitsWhere(sql, funnelId, `session_id = ${sql.str(sessionId)}`)} ORDER BY started_at LIMIT 1`);
      return r ? sessionInfoOf(sessionId, r) : null;
    },

    contactById: contact,

    async contactOfVisitor(funnelId, anonymousId) {
      const sql = new Sql();
      const [r] = await rows<{ c: unknown }>(
        ch, sql,
        `SELECT argMax(contact_id, linked_at) AS c FROM visitor_contacts
         WHERE funnel_id = ${sql.str(funnelId)} AND anonymous_id = ${sql.str(anonymousId)} GROUP BY anonymous_id`,
      );
      return r ? num(r.c) : null;
    },

    async eventByRowId(rowId, place) {
      // Without its funnel and time, the row is first looked for everywhere (a scan): callers that know them say so.
      if (!place) {
        const sql = new Sql();
        const [at] = await rows<{ f: string; ts: unknown }>(ch, sql, `SELECT funnel_id AS f, toUnixTimestamp64Milli(ts) AS ts FROM events WHERE row_id = ${sql.bind(rowId, "UInt64")} LIMIT 1`);
        if (!at) return null;
        place = { funnelId: at.f, ts: num(at.ts) };
      }
      const sql = new Sql();
      const [r] = await rows<Record<string, unknown>>(
        ch, sql,
        `SELECT ${EVENT_COLUMNS} FROM events AS e ${contactJoin(sql, place.funnelId)}
         WHERE e.funnel_id = ${sql.str(place.funnelId)} AND e.ts = ${sql.ms(place.ts)} AND e.row_id = ${sql.bind(rowId, "UInt64")} LIMIT 1`,
      );
      if (!r) return null;
      const raw = toRaw(r);
      return { ...toEventView(raw), rowId: raw.row_id };
    },

    async timelineOf(funnelId, anonymousId, from, to) {
      const sql = new Sql();
      // The time is read as `at`: an alias named ts would stand for the column in WHERE.
      const got = await rows<TimelineRow>(
        ch, sql,
        `SELECT row_id, type, name, path, props, toUnixTimestamp64Milli(ts) AS at FROM events
         WHERE funnel_id = ${sql.str(funnelId)} AND anonymous_id = ${sql.str(anonymousId)} AND ts >= ${sql.ms(from)} AND ts <= ${sql.ms(to)}
         ORDER BY ts DESC, row_id DESC LIMIT ${VISITOR_EVENTS_CAP}`,
      );
      return got.reverse().map(timelineEvent);
    },
  };
}

/** A timeline row as read (the time as `at`, in ms). */
export interface TimelineRow {
  row_id: unknown;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
  at: unknown;
}

export function timelineEvent(r: TimelineRow): TimelineEvent {
  return { rowId: num(r.row_id), type: r.type, name: r.name, path: r.path, ts: num(r.at), props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null };
}
