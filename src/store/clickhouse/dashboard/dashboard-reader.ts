// The dashboard reader (../../dashboard-reader.ts) over ClickHouse: each method is a
// query module of this folder and answers with a promise. Contacts' names and emails
// come from SQLite (they stay there, docs/clickhouse.md). A method not ported yet throws
// an error naming it: a page fails loudly rather than showing a wrong number.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import type { DashboardReader } from "../../dashboard-reader";
import { breakdown } from "./breakdown";
import { listEvents } from "./event-list";
import { funnelCards } from "./funnel-cards";
import { live, liveCursor, liveNow } from "./live";
import { eventNameKinds, hasGeoDetail } from "./names";
import { notImplemented } from "./query";
import { series } from "./series";
import { overview, sums, totals } from "./totals";

export function clickhouseDashboardReader(ch: ClickHouseClient, sqlite: Database): DashboardReader {
  return {
    series: (q) => series(ch, q.scope, q.bucket, q.tz, q.metric),
    overview: (q) => overview(ch, q.scope, q.previous, q.knownVisitors),
    totals: (q) => totals(ch, q.scope),
    sums: (q) => sums(ch, q.scope),
    breakdown: (q) => breakdown(ch, q.scope, q.dim, q.limit),
    hasGeoDetail: (q) => hasGeoDetail(ch, q.funnelId),
    eventProps: () => notImplemented("eventProps"),
    eventNameKinds: (q) => eventNameKinds(ch, q.funnelId),

    live: (q) => live(ch, sqlite, q),
    liveCursor: () => liveCursor(ch),
    liveNow: (q) => liveNow(ch, q.funnelId, q.now),

    browseSessions: () => notImplemented("browseSessions"),
    session: () => notImplemented("session"),
    browseContacts: () => notImplemented("browseContacts"),
    contact: () => notImplemented("contact"),
    exportPage: () => notImplemented("exportPage"),

    funnelCards: (q) => funnelCards(ch, q.now, q.days),
    revenueOrders: () => notImplemented("revenueOrders"),

    stats: () => notImplemented("stats"),
    events: (q) => listEvents(ch, q.funnelId, q.limit, q.before),
    sessions: () => notImplemented("sessions"),
    contacts: () => notImplemented("contacts"),
  };
}
