// What one digest says, gathered from the dashboard's own readers (overview totals,
// revenue, the funnel report, the landing-pages breakdown) so its numbers are the ones
// the dashboard shows for the same period. A plain object; the views render it.
import type { ClockedReader } from "../store/sqlite/dashboard/dashboard-reader";
import { revenueReport } from "../analytics/revenue-report";
import { localDate } from "../analytics/timezone";
import { currencySetting } from "../funnels/currency";
import { stepsReport } from "../analytics/steps-report";
import type { Db } from "../db/open";
import { experimentOutcome, type ExperimentOutcome } from "../experiments/outcome";
import { experimentResults } from "../experiments/results";
import { listExperiments } from "../experiments/store";
import { getSteps } from "../funnels/steps-definition";
import type { Funnel } from "../funnels/store";
import type { JourneyReader } from "../store/journey-reader";
import type { DigestPeriod } from "./period";

export interface Metric {
  current: number;
  previous: number;
}

export interface DigestDrop {
  from: string;
  to: string;
  reached: number;
  continued: number;
  /** Share of `reached` who did not continue (0-1). */
  lostRate: number;
}

export interface DigestData {
  funnel: { id: string; name: string };
  period: DigestPeriod;
  /** Revenue figures are minor units of this currency. */
  currency: string;
  visitors: Metric;
  conversions: Metric;
  verifiedNet: Metric;
  /** Verified net revenue in the other currencies (never converted or summed). */
  otherCurrencies: { currency: string; verifiedNet: number }[];
  /** Verified net revenue per visitor, minor units (fractional). */
  revenuePerVisitor: Metric;
  /** null: the funnel has no steps defined. */
  drops: DigestDrop[] | null;
  sources: { value: string; verifiedNet: number; orders: number }[];
  landingPages: { value: string; visits: number; verifiedNet: number }[];
  /** Visitors per local day, for the small chart; empty for periods longer than two months. */
  visitorsPerDay: { date: string; visitors: number }[];
  /** Experiments stopped in the period, or running ones that reached their sample size by its end. */
  experiments: ExperimentOutcome[];
  /** The dashboard for the same period; null without --public-url. */
  dashboardUrl: string | null;
}

const TOP = 5;
const CHART_MAX_DAYS = 62;

function dropsOf(report: Awaited<ReturnType<typeof stepsReport>>): DigestDrop[] {
  const drops: DigestDrop[] = [];
  for (let i = 1; i < report.steps.length; i++) {
    const prev = report.steps[i - 1];
    const step = report.steps[i];
    if (prev.visitors === 0) continue;
    drops.push({ from: prev.name, to: step.name, reached: prev.visitors, continued: step.visitors, lostRate: 1 - step.visitors / prev.visitors });
  }
  return drops.sort((a, b) => b.reached - b.continued - (a.reached - a.continued) || b.lostRate - a.lostRate).slice(0, 3);
}

/** Results as of the period's end, judged by the results page's own rule (src/experiments/outcome.ts). */
export async function experimentsWithResults(db: Db, journeys: JourneyReader, funnelId: string, period: { from: number; to: number }, now: number): Promise<ExperimentOutcome[]> {
  const out: ExperimentOutcome[] = [];
  for (const e of listExperiments(db, funnelId)) {
    if (e.startedAt >= period.to) continue;
    if (e.status === "stopped" && (e.stoppedAt === null || e.stoppedAt < period.from || e.stoppedAt >= period.to)) continue;
    const at = e.status === "running" ? Math.min(period.to - 1, now) : now;
    const outcome = experimentOutcome(await experimentResults(db, journeys, { funnelId, key: e.key, now: at }));
    if (outcome) out.push(outcome);
  }
  return out;
}

export function dashboardLink(base: string | null, funnelId: string, period: DigestPeriod): string | null {
  if (!base) return null;
  const q = new URLSearchParams({ range: "custom", from: period.fromDate, to: period.toDate, tz: period.tz });
  return `${base}/funnels/${encodeURIComponent(funnelId)}?${q}`;
}

/** The other currencies' verified net, largest first: the same digest whatever order the event store grouped them in. */
export function largestFirst(totals: Record<string, { verifiedNet: number }>): { currency: string; verifiedNet: number }[] {
  return Object.entries(totals)
    .map(([currency, t]) => ({ currency, verifiedNet: t.verifiedNet }))
    .sort((a, b) => b.verifiedNet - a.verifiedNet || a.currency.localeCompare(b.currency));
}

export async function digestData(reader: ClockedReader, db: Db, funnel: Funnel, period: DigestPeriod, publicUrl: string | null): Promise<DigestData> {
  const scope = { funnelId: funnel.id, from: period.from, to: period.to, filters: [] };
  const prevScope = { ...scope, ...period.previous };
  const cur = await reader.dashboard.totals({ scope, historyStart: funnel.firstEventAt, now: reader.now() });
  const prev = await reader.dashboard.totals({ scope: prevScope, historyStart: funnel.firstEventAt, now: reader.now() });
  const rev = async (range: { from: number; to: number }, breakdownBy: "channel" | "landing_page") =>
    revenueReport(await reader.dashboard.revenueOrders({ funnelId: funnel.id, ...range, model: "last_touch", breakdown: breakdownBy, includeTest: false }), currencySetting(reader.sqlite, funnel.id));
  const bySource = await rev(period, "channel");
  const prevRevenue = await rev(period.previous, "channel");
  const byLanding = await rev(period, "landing_page");
  const landingRevenue = new Map(byLanding.rows.map((r) => [r.value ?? "", r.verifiedNet]));
  const steps = getSteps(db, funnel.id);
  const landing = await reader.dashboard.breakdown({ scope, dim: "entry", limit: TOP, now: reader.now() });
  const daily =
    period.to - period.from > CHART_MAX_DAYS * 86_400_000
      ? null
      : await reader.dashboard.series({ scope, bucket: "day", tz: period.tz, metric: "visitors", historyStart: funnel.firstEventAt, now: reader.now() });
  const perVisitor = (net: number, visitors: number) => (visitors > 0 ? net / visitors : 0);
  return {
    funnel: { id: funnel.id, name: funnel.name },
    period,
    currency: bySource.currency,
    visitors: { current: cur.visitors, previous: prev.visitors },
    conversions: { current: cur.tally.conversions, previous: prev.tally.conversions },
    verifiedNet: { current: bySource.verifiedNet, previous: prevRevenue.verifiedNet },
    otherCurrencies: largestFirst(bySource.otherCurrencies),
    revenuePerVisitor: { current: perVisitor(bySource.verifiedNet, cur.visitors), previous: perVisitor(prevRevenue.verifiedNet, prev.visitors) },
    drops: steps ? dropsOf(await stepsReport(reader.journeys, funnel.id, steps, { from: period.from, to: period.to, now: reader.now() })) : null,
    sources: bySource.rows
      .filter((r) => r.verifiedNet > 0)
      .slice(0, TOP)
      .map((r) => ({ value: r.value ?? "", verifiedNet: r.verifiedNet, orders: r.orders })),
    landingPages: landing.rows.map((r) => ({ value: r.value, visits: r.tally.visits, verifiedNet: landingRevenue.get(r.value) ?? 0 })),
    visitorsPerDay: daily ? daily.points.map((p) => ({ date: localDate(p.at, period.tz), visitors: p.value })) : [],
    experiments: await experimentsWithResults(db, reader.journeys, funnel.id, period, reader.now()),
    dashboardUrl: dashboardLink(publicUrl, funnel.id, period),
  };
}
