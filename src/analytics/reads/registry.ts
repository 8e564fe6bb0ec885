// Every read the dashboard and the read API make, by name. Each runs on a reader
// thread with its own connection (./thread-reads.ts), so a slow report never holds up
// the thread that accepts events. To add a loader: add an entry here (plain data in,
// plain structured-cloneable data out) and call `await ctx.reads.run("name", args)`.
import { experimentResults } from "../../experiments/results";
import type { Step, StepsDefinition } from "../../funnels/steps-definition";
import { breakdown } from "../breakdown";
import { browseContacts, contactJourney, getContact } from "../contact-browse";
import { listContacts } from "../contact-list";
import type { Cursor } from "../cursor";
import type { DimensionKey } from "../dimensions";
import { listEvents } from "../event-list";
import { eventNameKinds } from "../event-kinds";
import { eventProps } from "../event-props";
import { exportPage, type ExportCursor, type ExportKind } from "../export";
import type { Filter, Scope } from "../filters";
import { funnelCardStats } from "../funnel-cards";
import type { BreakdownDimension } from "../funnel-journeys";
import type { DrillStatus } from "../funnel-report";
import { hasGeoDetail } from "../geo-detail";
import { liveEvents } from "../live-events";
import { liveNow } from "../live-now";
import { overview } from "../overview";
import { ordersOf } from "../order-list";
import type { Range } from "../range";
import { revenueReport, type RevenueArgs } from "../revenue-report";
import { browseSessions, getSession, sessionEvents } from "../session-browse";
import { listSessions } from "../session-list";
import { funnelStats } from "../stats";
import { checkSteps } from "../steps-check";
import { stepsReport, stepVisitors } from "../steps-report";
import { suggestSteps } from "../steps-suggestion";
import { timeseries, type SeriesMetric } from "../timeseries";
import { funnelDataSize } from "../../store/sqlite/data-size";
import type { ReadContext, Registry } from "./context";

interface SeriesArgs {
  scope: Scope;
  bucket: "hour" | "day";
  tz: string;
  metric: SeriesMetric;
  historyStart: number | null;
  now: number;
}

interface ReportArgs {
  funnelId: string;
  def: StepsDefinition;
  from: number;
  to: number;
  now: number;
  filters?: Filter[];
}

export const READS = {
  // The overview page: chart, headline numbers and the first rows of the live timeline.
  "dashboard.overview": (rc: ReadContext, a: SeriesArgs & { previous: { from: number; to: number } }) => {
    const reader = rc.reader(a.now);
    const series = timeseries(reader, a.scope, a.bucket, a.tz, a.metric, a.historyStart);
    return {
      series,
      overview: overview(reader, a.scope, a.previous, a.historyStart, series.totalVisitors),
      live: liveEvents(rc.sqlite, a.scope.funnelId, a.scope.filters, null, a.now, { hideAuto: true }),
      liveNow: liveNow(rc.sqlite, a.scope.funnelId, a.now),
    };
  },
  "dashboard.chart": (rc: ReadContext, a: SeriesArgs) => timeseries(rc.reader(a.now), a.scope, a.bucket, a.tz, a.metric, a.historyStart),
  "dashboard.geoDetail": (rc: ReadContext, a: { funnelId: string; now: number }) => hasGeoDetail(rc.reader(a.now), a.funnelId),
  "dashboard.breakdown": (rc: ReadContext, a: { scope: Scope; dim: DimensionKey; limit: number; now: number }) =>
    breakdown(rc.reader(a.now), a.scope, a.dim, a.limit),
  "dashboard.eventProps": (rc: ReadContext, a: { scope: Scope; name: string }) => eventProps(rc.sqlite, a.scope, a.name),
  "dashboard.live": (rc: ReadContext, a: { funnelId: string; filters: Filter[]; after: number | null; now: number; hideAuto?: boolean }) =>
    liveEvents(rc.sqlite, a.funnelId, a.filters, a.after, a.now, { hideAuto: a.hideAuto }),
  "dashboard.eventNameKinds": (rc: ReadContext, a: { funnelId: string }) => eventNameKinds(rc.sqlite, a.funnelId),
  "dashboard.sessions": (rc: ReadContext, a: { scope: Scope; limit: number; before: { startedAt: number; id: string } | null }) =>
    browseSessions(rc.sqlite, a.scope, a.limit, a.before),
  "dashboard.session": (rc: ReadContext, a: { funnelId: string; sessionId: string }) => {
    const session = getSession(rc.sqlite, a.funnelId, a.sessionId);
    return session && { session, events: sessionEvents(rc.sqlite, a.funnelId, a.sessionId), orders: ordersOf(rc.sqlite, a.funnelId, { sessionId: a.sessionId }) };
  },
  "dashboard.contacts": (rc: ReadContext, a: { scope: Scope; limit: number; before: { lastSeen: number; id: number } | null }) =>
    browseContacts(rc.sqlite, a.scope, a.limit, a.before),
  "dashboard.contact": (rc: ReadContext, a: { funnelId: string; contactId: number }) => {
    const contact = getContact(rc.sqlite, a.funnelId, a.contactId);
    return contact && { contact, journey: contactJourney(rc.sqlite, a.funnelId, a.contactId), orders: ordersOf(rc.sqlite, a.funnelId, { contactId: a.contactId }) };
  },
  "dashboard.exportPage": (rc: ReadContext, a: { kind: ExportKind; scope: Scope; tz: string; before: ExportCursor | null }) =>
    exportPage(rc.sqlite, a.kind, a.scope, a.tz, a.before),
  "dashboard.funnelCards": (rc: ReadContext, a: { now: number }) => funnelCardStats(rc.sqlite, a.now),
  "dashboard.revenue": (rc: ReadContext, a: { funnelId: string; args: RevenueArgs }) => revenueReport(rc.sqlite, a.funnelId, a.args),

  // The funnel report (dashboard and API).
  "steps.report": (rc: ReadContext, a: ReportArgs & { breakdown?: BreakdownDimension; compare?: boolean }) =>
    stepsReport(rc.sqlite, a.funnelId, a.def, a),
  "steps.visitors": (rc: ReadContext, a: ReportArgs & { step: number; status: DrillStatus; limit: number }) =>
    stepVisitors(rc.sqlite, a.funnelId, a.def, a),
  "steps.suggest": (rc: ReadContext, a: { funnelId: string }) => suggestSteps(rc.sqlite, a.funnelId),
  "steps.check": (rc: ReadContext, a: { funnelId: string; steps: Step[]; now: number }) => checkSteps(rc.sqlite, a.funnelId, a.steps, a.now),

  // An experiment's results (dashboard and API); an unknown key is a 404 from the reader thread.
  "experiments.results": (rc: ReadContext, a: { funnelId: string; key: string; now: number }) => experimentResults(rc.db, a),

  // Settings → Data size: the funnel's share of the file and its projection.
  "settings.dataSize": (rc: ReadContext, a: { funnelId: string; now: number }) => funnelDataSize(rc.sqlite, a.funnelId, a.now),

  // The read API (/api/v1).
  "api.stats": (rc: ReadContext, a: { funnelId: string; range: Range }) => funnelStats(rc.sqlite, a.funnelId, a.range),
  "api.events": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) => listEvents(rc.sqlite, a.funnelId, a.limit, a.before),
  "api.sessions": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) =>
    listSessions(rc.sqlite, a.funnelId, a.limit, a.before),
  "api.revenue": (rc: ReadContext, a: { funnelId: string; args: RevenueArgs }) => revenueReport(rc.sqlite, a.funnelId, a.args),
  "api.contacts": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) =>
    listContacts(rc.sqlite, a.funnelId, a.limit, a.before),
} satisfies Registry;

export type ReadRegistry = typeof READS;
