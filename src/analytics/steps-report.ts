// The funnel report for a range: one journeys query, the pure maths, and (optionally)
// the same for the previous period of equal length; plus the drill-down lists. The
// journeys come from the event store's journey reader; the maths here is pure.
import type { StepsDefinition } from "../funnels/steps-definition";
import { fromMinorUnits } from "../pipeline/money";
import type { BreakdownDimension, JourneyQuery, JourneyReader, LastEvent, VisitorEntry } from "../store/journey-reader";
import type { Filter } from "./filters";
import { visitorProgress, type Progress, type ProgressRules, type ProgressStatus } from "./funnel-progress";
import { progressAll, ReportFold, visitorsAtStep, type DrillStatus, type FunnelReport, type ReportTotals } from "./funnel-report";

export interface StepsReportOptions {
  from: number;
  to: number;
  now: number;
  breakdown?: BreakdownDimension;
  /** The dashboard filters, applied to each visitor's entry visit. */
  filters?: Filter[];
  /** Also compute the previous period of the same length. */
  compare?: boolean;
}

export interface PreviousPeriod {
  from: number;
  to: number;
  steps: { name: string; visitors: number; conversionFromStart: number }[];
  totals: ReportTotals;
}

export interface StepsReport extends FunnelReport {
  from: number;
  to: number;
  window: string;
  order: string;
  breakdownBy?: BreakdownDimension;
  previous?: PreviousPeriod;
}

function rulesOf(def: StepsDefinition, o: StepsReportOptions): ProgressRules {
  return { stepCount: def.steps.length, windowMs: def.windowMs, order: def.order, from: o.from, to: o.to, now: o.now };
}

/** Every entrant's progress (the drill-down lists them by name). */
async function progressFor(reader: JourneyReader, funnelId: string, def: StepsDefinition, o: StepsReportOptions): Promise<Progress[]> {
  const journeys = await reader.journeys(funnelId, { def, from: o.from, to: o.to, filters: o.filters });
  return progressAll(journeys, rulesOf(def, o));
}

/**
 * Reports over past days kept by this thread, with the stamp of the journeys they were
 * computed from (JourneyReader.journeysStamp): the page's previous period, the same
 * range opened again. Exact: a report is used only while its stamp is unchanged.
 */
const kept = new Map<string, { stamp: string; report: FunnelReport }>();
const KEPT_REPORTS = 16;

/** The report's numbers, folded visitor by visitor as the journeys come: no list of everyone's progress. */
async function reportFor(reader: JourneyReader, funnelId: string, def: StepsDefinition, o: StepsReportOptions): Promise<FunnelReport> {
  const q = { def, from: o.from, to: o.to, breakdown: o.breakdown, filters: o.filters, visitorIds: false };
  const stamp = (await reader.journeysStamp?.(funnelId, q, o.now)) ?? null;
  const key = stamp === null ? null : JSON.stringify([funnelId, def, o.from, o.to]);
  if (key !== null) {
    const hit = kept.get(key);
    if (hit?.stamp === stamp) return hit.report;
  }
  const report = await foldReport(reader, funnelId, def, o, q);
  if (key !== null) {
    kept.delete(key);
    kept.set(key, { stamp: stamp!, report });
    if (kept.size > KEPT_REPORTS) kept.delete(kept.keys().next().value!);
  }
  return report;
}

async function foldReport(reader: JourneyReader, funnelId: string, def: StepsDefinition, o: StepsReportOptions, q: JourneyQuery): Promise<FunnelReport> {
  const journeys = await reader.journeys(funnelId, q);
  const rules = rulesOf(def, o);
  const fold = new ReportFold(def.steps.map((s) => s.name), Boolean(o.breakdown));
  for (const j of journeys) {
    const p = visitorProgress(j, rules);
    if (p) fold.add(p);
  }
  return fold.report();
}

export async function stepsReport(reader: JourneyReader, funnelId: string, def: StepsDefinition, o: StepsReportOptions): Promise<StepsReport> {
  const report = await reportFor(reader, funnelId, def, o);
  const out: StepsReport = { from: o.from, to: o.to, window: def.window, order: def.order, ...report };
  if (o.breakdown) out.breakdownBy = o.breakdown;
  if (o.compare) {
    const span = o.to - o.from;
    const prev = { ...o, from: o.from - span, to: o.from, breakdown: undefined };
    const p = await reportFor(reader, funnelId, def, prev);
    out.previous = {
      from: prev.from,
      to: prev.to,
      steps: p.steps.map((s) => ({ name: s.name, visitors: s.visitors, conversionFromStart: s.conversionFromStart })),
      totals: p.totals,
    };
  }
  return out;
}

export interface StepVisitor {
  visitor: string;
  contactId: number | null;
  anonymousId: string | null;
  email: string | null;
  contactName: string | null;
  status: ProgressStatus;
  /** Steps reached (1-based count). */
  reached: number;
  enteredAt: number;
  /** When they reached the chosen step. */
  reachedAt: number;
  deadline: number;
  revenue: Record<string, number>;
  lastEvent: LastEvent | null;
  /** The visit they entered the funnel in, and when they were first seen. */
  entry: VisitorEntry;
}

export interface StepVisitorsResult {
  step: number;
  name: string;
  status: DrillStatus;
  total: number;
  visitors: StepVisitor[];
}

/** `step` is 1-based, as people count steps. */
export async function stepVisitors(
  reader: JourneyReader,
  funnelId: string,
  def: StepsDefinition,
  o: StepsReportOptions & { step: number; status: DrillStatus; limit: number },
): Promise<StepVisitorsResult> {
  const index = o.step - 1;
  const all = visitorsAtStep(await progressFor(reader, funnelId, def, { ...o, breakdown: undefined }), index, o.status);
  const shown = all.slice(0, o.limit);
  const [who, entries] = await Promise.all([
    reader.visitorIdentities(funnelId, shown.map((p) => p.visitor)),
    reader.visitorEntries(funnelId, shown.map((p) => ({ visitor: p.visitor, enteredAt: p.hits[0].ts }))),
  ]);
  const visitors = shown.map((p, i): StepVisitor => {
    const revenue: Record<string, number> = {};
    for (const [c, v] of Object.entries(p.revenue)) revenue[c] = fromMinorUnits(v, c);
    return {
      ...who[i],
      status: p.status,
      reached: p.reached,
      enteredAt: p.hits[0].ts,
      reachedAt: p.hits[index].ts,
      deadline: p.deadline,
      revenue,
      entry: entries[i],
    };
  });
  return { step: o.step, name: def.steps[index].name, status: o.status, total: all.length, visitors };
}
