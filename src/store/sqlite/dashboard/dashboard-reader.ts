// The dashboard reader (../../dashboard-reader.ts) over one SQLite connection: each
// method is a query module of this folder. Reads that use the rollups bring them up to
// date first at the request's `now` (./reader.ts), on this same connection.
import type { Database } from "bun:sqlite";
import type { DashboardReader } from "../../dashboard-reader";
import type { JourneyReader } from "../../journey-reader";
import type { Rollup } from "../../rollup-registry";
import { sqliteEventStore } from "../event-store";
import { DashboardRollup } from "../rollups/dashboard-rollup";
import { breakdown } from "./breakdown";
import { browseContacts, contactJourney, getContact } from "./contact-browse";
import { listContacts } from "./contact-list";
import { listEvents } from "./event-list";
import { eventNameKinds } from "./event-names";
import { eventProps } from "./event-props";
import { exportPage } from "./export-page";
import { funnelCardStats } from "./funnel-cards";
import { hasGeoDetail } from "./geo-detail";
import { liveEvents } from "./live-events";
import { liveNow } from "./live-now";
import { ordersOf } from "./order-list";
import { overview, sums, totals } from "./overview";
import type { AnalyticsReader } from "./reader";
import { revenueOrders } from "./revenue-orders";
import { browseSessions, getSession, sessionEvents } from "./session-browse";
import { listSessions } from "./session-list";
import { funnelStats } from "./stats";
import { timeseries } from "./timeseries";
import { funnelKey } from "../layout";

/** What digests, alerts and `aurea report` read through: the dashboard reader, the funnel report's journeys, the connection (control-plane settings) and a clock. */
export interface ClockedReader {
  sqlite: Database;
  dashboard: DashboardReader;
  journeys: JourneyReader;
  now: () => number;
}

/** A dashboard reader on `sqlite` at a clock (also usable by this folder's query modules). */
export function analyticsReader(sqlite: Database, now: () => number = Date.now): AnalyticsReader & ClockedReader {
  const events = sqliteEventStore(sqlite);
  return { sqlite, rollups: events.rollups.dashboard, now, dashboard: events.dashboard, journeys: events.journeys };
}

/** `rollups`: the registry's dashboard rollup on this connection (made on first use when not given). */
export function sqliteDashboardReader(sqlite: Database, rollups?: Rollup): DashboardReader {
  const at = (now: number): AnalyticsReader => ({ sqlite, rollups: (rollups ??= new DashboardRollup(sqlite)), now: () => now });
  return {
    series: (q) => timeseries(at(q.now), q.scope, q.bucket, q.tz, q.metric, q.historyStart),
    overview: (q) => overview(at(q.now), q.scope, q.previous, q.historyStart, q.knownVisitors),
    totals: (q) => totals(at(q.now), q.scope, q.historyStart),
    sums: (q) => sums(at(q.now), q.scope),
    breakdown: (q) => breakdown(at(q.now), q.scope, q.dim, q.limit),
    hasGeoDetail: (q) => hasGeoDetail(at(q.now), q.funnelId),
    eventProps: (q) => eventProps(sqlite, q.scope, q.name),
    eventNameKinds: (q) => eventNameKinds(sqlite, q.funnelId),

    // One snapshot: the rows and the cursor they lead to agree.
    live: (q) => sqlite.transaction(() => liveEvents(sqlite, q.funnelId, q.filters, q.after, q.now, { limit: q.limit, hideAuto: q.hideAuto }))(),
    liveCursor: () => sqlite.query<{ id: number | null }, []>("SELECT max(row_id) AS id FROM events").get()!.id ?? 0,
    liveNow: (q) => liveNow(sqlite, q.funnelId, q.now),

    browseSessions: (q) => browseSessions(sqlite, q.scope, q.limit, q.before),
    session: (q) => {
      const funnel = funnelKey(sqlite, q.funnelId);
      const found = getSession(sqlite, funnel, q.sessionId);
      if (!found) return null;
      const { key, ...session } = found;
      return { session, events: sessionEvents(sqlite, funnel, key), orders: ordersOf(sqlite, funnel, { session: key }) };
    },
    browseContacts: (q) => browseContacts(sqlite, q.scope, q.limit, q.before),
    contact: (q) => {
      const funnel = funnelKey(sqlite, q.funnelId);
      const contact = getContact(sqlite, q.funnelId, funnel, q.contactId);
      return contact && { contact, journey: contactJourney(sqlite, funnel, q.contactId), orders: ordersOf(sqlite, funnel, { contactId: q.contactId }) };
    },
    exportPage: (q) => exportPage(sqlite, q.kind, q.scope, q.tz, q.before),

    funnelCards: (q) => funnelCardStats(sqlite, q.now, q.days),
    revenueOrders: (q) => revenueOrders(sqlite, q),

    stats: (q) => funnelStats(sqlite, q.funnelId, q.range),
    events: (q) => listEvents(sqlite, q.funnelId, q.limit, q.before),
    sessions: (q) => listSessions(sqlite, q.funnelId, q.limit, q.before),
    contacts: (q) => listContacts(sqlite, q.funnelId, q.limit, q.before),
  };
}
