// The dashboard reader (../../dashboard-reader.ts) over ClickHouse: each method is a
// query module of this folder and answers with a promise. Contacts' names and emails
// come from SQLite (they stay there, docs/clickhouse.md).
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import type { DashboardReader } from "../../dashboard-reader";
import { breakdown } from "./breakdown";
import { browseContacts, contactJourney, getContact, listContacts } from "./contacts";
import { eventProps } from "./event-props";
import { exportPage } from "./export-page";
import { ordersOf } from "./orders";
import { revenueOrders } from "./revenue-orders";
import { browseSessions, getSession, listSessions, sessionEvents } from "./sessions";
import { funnelStats } from "./stats";
import { listEvents } from "./event-list";
import { funnelCards } from "./funnel-cards";
import { live, liveCursor, liveNow } from "./live";
import { eventNameKinds, hasGeoDetail } from "./names";
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
    eventProps: (q) => eventProps(ch, q.scope, q.name),
    eventNameKinds: (q) => eventNameKinds(ch, q.funnelId),

    live: (q) => live(ch, sqlite, q),
    liveCursor: () => liveCursor(ch),
    liveNow: (q) => liveNow(ch, q.funnelId, q.now),

    browseSessions: (q) => browseSessions(ch, sqlite, q.scope, q.limit, q.before),
    session: async (q) => {
      const [session, events, orders] = await Promise.all([
        getSession(ch, sqlite, q.funnelId, q.sessionId),
        sessionEvents(ch, q.funnelId, q.sessionId),
        ordersOf(ch, q.funnelId, { sessionId: q.sessionId }),
      ]);
      return session && { session, events, orders };
    },
    browseContacts: (q) => browseContacts(ch, sqlite, q.scope, q.limit, q.before),
    contact: async (q) => {
      const contact = await getContact(ch, sqlite, q.funnelId, q.contactId);
      if (!contact) return null;
      const [journey, orders] = await Promise.all([contactJourney(ch, q.funnelId, q.contactId), ordersOf(ch, q.funnelId, { contactId: q.contactId })]);
      return { contact, journey, orders };
    },
    exportPage: (q) => exportPage(ch, sqlite, q.kind, q.scope, q.tz, q.before),

    funnelCards: (q) => funnelCards(ch, q.now, q.days),
    revenueOrders: (q) => revenueOrders(ch, q),

    stats: (q) => funnelStats(ch, q.funnelId, q.range),
    events: (q) => listEvents(ch, q.funnelId, q.limit, q.before),
    sessions: (q) => listSessions(ch, q.funnelId, q.limit, q.before),
    contacts: (q) => listContacts(ch, sqlite, q.funnelId, q.limit, q.before),
  };
}
