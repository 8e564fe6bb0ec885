// Turns per-visitor progress into the funnel report: counts, conversion, drop-off,
// time between steps, revenue, and the breakdown by one dimension. Pure.
import { fromMinorUnits } from "../pipeline/money";
import { visitorProgress, type Progress, type ProgressRules, type VisitorJourney } from "./funnel-progress";

export interface StepReport {
  name: string;
  visitors: number;
  /** Reached this step, not the next, and their window is still open. */
  inProgress: number;
  /** Reached this step, not the next, and their window has closed. */
  dropped: number;
  /** dropped / visitors. */
  droppedRate: number;
  conversionFromPrevious: number;
  conversionFromStart: number;
  medianSecondsFromPrevious: number | null;
  p90SecondsFromPrevious: number | null;
  /** Conversions (major units by currency) made within the window by visitors who reached this step. */
  revenue: Record<string, number>;
  /** This step's revenue divided by the visitors who entered the funnel. */
  revenuePerEntrant: Record<string, number>;
  /**
   * Revenue of the visitors for whom this was the furthest step (the last step: those
   * who completed). Each visitor counts once, so these add up to the total.
   */
  revenueStoppedHere: Record<string, number>;
}

export interface ReportTotals {
  entered: number;
  completed: number;
  inProgress: number;
  conversionRate: number;
  revenue: Record<string, number>;
  revenuePerEntrant: Record<string, number>;
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  completed: number;
  conversionRate: number;
  steps: StepReport[];
}

export interface FunnelReport {
  steps: StepReport[];
  totals: ReportTotals;
  breakdown?: BreakdownRow[];
}

export const NONE_VALUE = "(none)";
export const OTHER_VALUE = "other";
/** Breakdown values kept by name; the rest are summed as "other". */
export const BREAKDOWN_TOP = 8;

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : 0);

export function median(sorted: ArrayLike<number>): number | null {
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

function toMajor(minor: Record<string, number>, divideBy = 1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [c, v] of Object.entries(minor)) {
    out[c] = divideBy === 1 ? fromMinorUnits(v, c) : Math.round((fromMinorUnits(v, c) / divideBy) * 100) / 100;
  }
  return out;
}

export function progressAll(journeys: Iterable<VisitorJourney>, rules: ProgressRules): Progress[] {
  const out: Progress[] = [];
  for (const j of journeys) {
    const p = visitorProgress(j, rules);
    if (p) out.push(p);
  }
  return out;
}

export function stepReports(stepNames: string[], progress: Progress[]): StepReport[] {
  const n = stepNames.length;
  const reached = new Array<number>(n).fill(0);
  const inProgress = new Array<number>(n).fill(0);
  const dropped = new Array<number>(n).fill(0);
  const gaps: number[][] = stepNames.map(() => []);
  const revenue: Record<string, number>[] = stepNames.map(() => ({}));
  const stoppedRevenue: Record<string, number>[] = stepNames.map(() => ({}));
  for (const p of progress) {
    for (let i = 0; i < p.reached; i++) {
      reached[i]++;
      if (i > 0) gaps[i].push(p.hits[i].ts - p.hits[i - 1].ts);
    }
    for (const c in p.revenue) {
      for (let i = 0; i < p.reached; i++) revenue[i][c] = (revenue[i][c] ?? 0) + p.revenue[c];
      const last = stoppedRevenue[p.reached - 1];
      last[c] = (last[c] ?? 0) + p.revenue[c];
    }
    if (p.status === "in_progress") inProgress[p.reached - 1]++;
    else if (p.status === "dropped") dropped[p.reached - 1]++;
  }
  const entered = reached[0];
  return stepNames.map((name, i) => {
    const sorted = Float64Array.from(gaps[i]).sort(); // numeric order, without a comparator call per pair
    return {
      name,
      visitors: reached[i],
      inProgress: inProgress[i],
      dropped: dropped[i],
      droppedRate: ratio(dropped[i], reached[i]),
      conversionFromPrevious: i === 0 ? (entered > 0 ? 1 : 0) : ratio(reached[i], reached[i - 1]),
      conversionFromStart: ratio(reached[i], entered),
      medianSecondsFromPrevious: i === 0 ? null : seconds(median(sorted)),
      p90SecondsFromPrevious: i === 0 ? null : seconds(percentile(sorted, 90)),
      revenue: toMajor(revenue[i]),
      revenuePerEntrant: entered > 0 ? toMajor(revenue[i], entered) : {},
      revenueStoppedHere: toMajor(stoppedRevenue[i]),
    };
  });
}

export function reportTotals(steps: StepReport[], progress: Progress[]): ReportTotals {
  const entered = steps[0]?.visitors ?? 0;
  const completed = steps.at(-1)?.visitors ?? 0;
  return {
    entered,
    completed,
    inProgress: progress.filter((p) => p.status === "in_progress").length,
    conversionRate: ratio(completed, entered),
    revenue: steps[0]?.revenue ?? {},
    revenuePerEntrant: steps[0]?.revenuePerEntrant ?? {},
  };
}

/** The entry event's value of the breakdown dimension. */
export function entryValue(p: Progress): string {
  const v = p.hits[0].dim;
  return v === null || v === undefined || v === "" ? NONE_VALUE : v;
}

export function breakdownRows(stepNames: string[], progress: Progress[], top = BREAKDOWN_TOP): BreakdownRow[] {
  const groups = new Map<string, Progress[]>();
  for (const p of progress) {
    const v = entryValue(p);
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(p);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  // Grouping a single leftover value as "other" would only hide its name.
  const keep = sorted.length > top + 1 ? sorted.slice(0, top) : sorted;
  const rest = sorted.slice(keep.length).flatMap(([, g]) => g);
  const rows = keep.map(([value, g]) => row(value, stepNames, g));
  if (rest.length) rows.push(row(OTHER_VALUE, stepNames, rest));
  return rows;
}

function row(value: string, stepNames: string[], group: Progress[]): BreakdownRow {
  const steps = stepReports(stepNames, group);
  const visitors = steps[0].visitors;
  const completed = steps.at(-1)!.visitors;
  return { value, visitors, completed, conversionRate: ratio(completed, visitors), steps };
}

export function buildReport(stepNames: string[], progress: Progress[], withBreakdown = false): FunnelReport {
  const steps = stepReports(stepNames, progress);
  const report: FunnelReport = { steps, totals: reportTotals(steps, progress) };
  if (withBreakdown) report.breakdown = breakdownRows(stepNames, progress);
  return report;
}

export type DrillStatus = "continued" | "dropped" | "in_progress" | "stopped";

/** Visitors who reached step `index` (0-based) and then continued, or stopped there. */
export function visitorsAtStep(progress: Progress[], index: number, status: DrillStatus): Progress[] {
  return progress
    .filter((p) => {
      if (p.reached <= index) return false;
      if (status === "continued") return p.reached > index + 1;
      if (p.reached !== index + 1 || p.status === "completed") return false;
      return status === "stopped" || p.status === status;
    })
    .sort((a, b) => b.hits[index].ts - a.hits[index].ts || a.visitor.localeCompare(b.visitor));
}
