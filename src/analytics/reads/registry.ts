// Every read the dashboard and the read API make, by name. Each runs on a reader
// thread with its own connection (./thread-reads.ts), so a slow report never holds up
// the thread that accepts events. To add a loader: add an entry here (plain data in,
// plain structured-cloneable data out) and call `await ctx.reads.run("name", args)`.
import { experimentResults } from "../../experiments/results";
import { currencySetting } from "../../funnels/currency";
import type { Step, StepsDefinition } from "../../funnels/steps-definition";
import type { SeriesQuery } from "../../store/dashboard-reader";
import type { BreakdownDimension } from "../../store/journey-reader";
import type { Cursor } from "../cursor";
import type { DimensionKey } from "../dimensions";
import type { ExportCursor, ExportKind } from "../export";
import type { Filter, Scope } from "../filters";
import type { DrillStatus } from "../funnel-report";
import type { Range } from "../range";
import { revenueReport, type RevenueArgs } from "../revenue-report";
import { stepsReport, stepVisitors } from "../steps-report";
import { funnelDataSize } from "../../store/sqlite/data-size";
import type { ReadContext, Registry } from "./context";

interface ReportArgs {
  funnelId: string;
  def: StepsDefinition;
  from: number;
  to: number;
  now: number;
  filters?: Filter[];
}

/** The revenue report: the funnel's orders, in its main currency. */
async function revenue(rc: ReadContext, a: { funnelId: string; args: RevenueArgs }) {
  return revenueReport(await rc.dashboard.revenueOrders({ funnelId: a.funnelId, ...a.args }), currencySetting(rc.sqlite, a.funnelId));
}

// A read may answer at once (SQLite) or with a promise (ClickHouse): callers await
// `run`, which hands back the settled value either way.
export const READS = {
  // The overview page: chart, headline numbers and the first rows of the live timeline.
  "dashboard.overview": async (rc: ReadContext, a: SeriesQuery & { previous: { from: number; to: number } }) => {
    const series = await rc.dashboard.series(a);
    const [overview, live, liveNow] = await Promise.all([
      rc.dashboard.overview({ scope: a.scope, previous: a.previous, historyStart: a.historyStart, knownVisitors: series.totalVisitors, now: a.now }),
      rc.dashboard.live({ funnelId: a.scope.funnelId, filters: a.scope.filters, after: null, now: a.now, hideAuto: true }),
      rc.dashboard.liveNow({ funnelId: a.scope.funnelId, now: a.now }),
    ]);
    return { series, overview, live, liveNow };
  },
  "dashboard.chart": (rc: ReadContext, a: SeriesQuery) => rc.dashboard.series(a),
  "dashboard.geoDetail": (rc: ReadContext, a: { funnelId: string; now: number }) => rc.dashboard.hasGeoDetail(a),
  "dashboard.breakdown": (rc: ReadContext, a: { scope: Scope; dim: DimensionKey; limit: number; now: number }) => rc.dashboard.breakdown(a),
  "dashboard.eventProps": (rc: ReadContext, a: { scope: Scope; name: string }) => rc.dashboard.eventProps(a),
  "dashboard.live": (rc: ReadContext, a: { funnelId: string; filters: Filter[]; after: number | null; now: number; hideAuto?: boolean }) =>
    rc.dashboard.live(a),
  "dashboard.eventNameKinds": (rc: ReadContext, a: { funnelId: string }) => rc.dashboard.eventNameKinds(a),
  "dashboard.sessions": (rc: ReadContext, a: { scope: Scope; limit: number; before: { startedAt: number; id: string } | null }) =>
    rc.dashboard.browseSessions(a),
  "dashboard.session": (rc: ReadContext, a: { funnelId: string; sessionId: string }) => rc.dashboard.session(a),
  "dashboard.contacts": (rc: ReadContext, a: { scope: Scope; limit: number; before: { lastSeen: number; id: number } | null }) =>
    rc.dashboard.browseContacts(a),
  "dashboard.contact": (rc: ReadContext, a: { funnelId: string; contactId: number }) => rc.dashboard.contact(a),
  "dashboard.exportPage": (rc: ReadContext, a: { kind: ExportKind; scope: Scope; tz: string; before: ExportCursor | null }) => rc.dashboard.exportPage(a),
  "dashboard.funnelCards": (rc: ReadContext, a: { now: number }) => rc.dashboard.funnelCards(a),
  "dashboard.revenue": revenue,

  // The funnel report (dashboard and API).
  "steps.report": (rc: ReadContext, a: ReportArgs & { breakdown?: BreakdownDimension; compare?: boolean }) =>
    stepsReport(rc.events.journeys, a.funnelId, a.def, a),
  "steps.visitors": (rc: ReadContext, a: ReportArgs & { step: number; status: DrillStatus; limit: number }) =>
    stepVisitors(rc.events.journeys, a.funnelId, a.def, a),
  "steps.suggest": (rc: ReadContext, a: { funnelId: string }) => rc.events.journeys.suggestSteps(a.funnelId),
  "steps.check": (rc: ReadContext, a: { funnelId: string; steps: Step[]; now: number }) => rc.events.journeys.checkSteps(a.funnelId, a.steps, a.now),

  // An experiment's results (dashboard and API); an unknown key is a 404 from the reader thread.
  "experiments.results": (rc: ReadContext, a: { funnelId: string; key: string; now: number }) => experimentResults(rc.db, rc.events.journeys, a),

  // Settings → Data size: the funnel's share of the file and its projection.
  "settings.dataSize": (rc: ReadContext, a: { funnelId: string; now: number }) => funnelDataSize(rc.sqlite, a.funnelId, a.now),

  // The read API (/api/v1).
  "api.stats": (rc: ReadContext, a: { funnelId: string; range: Range }) => rc.dashboard.stats(a),
  "api.events": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) => rc.dashboard.events(a),
  "api.sessions": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) => rc.dashboard.sessions(a),
  "api.revenue": revenue,
  "api.contacts": (rc: ReadContext, a: { funnelId: string; limit: number; before: Cursor | null }) => rc.dashboard.contacts(a),
} satisfies Registry;

export type ReadRegistry = typeof READS;
