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

/**
 * Per-step counts of a set of visitors' progress, added one visitor at a time: what
 * the report needs (reach, status, time between steps, revenue), not the progress
 * itself, so a report over many visitors never holds them all.
 */
export class StepTally {
  readonly reached: number[];
  readonly inProgress: number[];
  readonly dropped: number[];
  private gaps: Float64Array[];
  private gapCount: number[];
  private revenue: Record<string, number>[];
  private stopped: Record<string, number>[];

  constructor(readonly n: number) {
    this.reached = new Array<number>(n).fill(0);
    this.inProgress = new Array<number>(n).fill(0);
    this.dropped = new Array<number>(n).fill(0);
    this.gaps = Array.from({ length: n }, () => new Float64Array(16));
    this.gapCount = new Array<number>(n).fill(0);
    this.revenue = Array.from({ length: n }, () => ({}));
    this.stopped = Array.from({ length: n }, () => ({}));
  }

  /** Visitors added (each reached step 1). */
  get visitors(): number {
    return this.reached[0] ?? 0;
  }

  add(p: Progress): void {
    for (let i = 0; i < p.reached; i++) {
      this.reached[i]++;
      if (i > 0) this.gap(i, p.hits[i].ts - p.hits[i - 1].ts);
    }
    for (const c in p.revenue) {
      for (let i = 0; i < p.reached; i++) this.revenue[i][c] = (this.revenue[i][c] ?? 0) + p.revenue[c];
      const last = this.stopped[p.reached - 1];
      last[c] = (last[c] ?? 0) + p.revenue[c];
    }
    if (p.status === "in_progress") this.inProgress[p.reached - 1]++;
    else if (p.status === "dropped") this.dropped[p.reached - 1]++;
  }

  /** Adds another tally's visitors (the breakdown's "other"). */
  merge(o: StepTally): void {
    for (let i = 0; i < this.n; i++) {
      this.reached[i] += o.reached[i];
      this.inProgress[i] += o.inProgress[i];
      this.dropped[i] += o.dropped[i];
      for (let g = 0; g < o.gapCount[i]; g++) this.gap(i, o.gaps[i][g]);
      for (const [into, from] of [[this.revenue[i], o.revenue[i]], [this.stopped[i], o.stopped[i]]]) {
        for (const c in from) into[c] = (into[c] ?? 0) + from[c];
      }
    }
  }

  private gap(i: number, ms: number): void {
    if (this.gapCount[i] === this.gaps[i].length) {
      const bigger = new Float64Array(this.gaps[i].length * 2);
      bigger.set(this.gaps[i]);
      this.gaps[i] = bigger;
    }
    this.gaps[i][this.gapCount[i]++] = ms;
  }

  steps(stepNames: string[]): StepReport[] {
    const { reached, inProgress, dropped } = this;
    const entered = reached[0];
    return stepNames.map((name, i) => {
      const sorted = this.gaps[i].slice(0, this.gapCount[i]).sort(); // numeric order, without a comparator call per pair
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
        revenue: toMajor(this.revenue[i]),
        revenuePerEntrant: entered > 0 ? toMajor(this.revenue[i], entered) : {},
        revenueStoppedHere: toMajor(this.stopped[i]),
      };
    });
  }
}

/** The whole report, folded visitor by visitor (and per breakdown value when asked). */
export class ReportFold {
  private all: StepTally;
  private groups = new Map<string, StepTally>();

  constructor(
    private stepNames: string[],
    private withBreakdown = false,
  ) {
    this.all = new StepTally(stepNames.length);
  }

  add(p: Progress): void {
    this.all.add(p);
    if (!this.withBreakdown) return;
    const v = entryValue(p);
    let g = this.groups.get(v);
    if (!g) this.groups.set(v, (g = new StepTally(this.stepNames.length)));
    g.add(p);
  }

  report(top = BREAKDOWN_TOP): FunnelReport {
    const steps = this.all.steps(this.stepNames);
    const report: FunnelReport = { steps, totals: totalsOf(steps, this.all) };
    if (this.withBreakdown) report.breakdown = this.breakdown(top);
    return report;
  }

  breakdown(top = BREAKDOWN_TOP): BreakdownRow[] {
    const sorted = [...this.groups.entries()].sort((a, b) => b[1].visitors - a[1].visitors || a[0].localeCompare(b[0]));
    // Grouping a single leftover value as "other" would only hide its name.
    const keep = sorted.length > top + 1 ? sorted.slice(0, top) : sorted;
    const rows = keep.map(([value, g]) => row(value, this.stepNames, g));
    if (sorted.length > keep.length) {
      const other = new StepTally(this.stepNames.length);
      for (const [, g] of sorted.slice(keep.length)) other.merge(g);
      rows.push(row(OTHER_VALUE, this.stepNames, other));
    }
    return rows;
  }
}

const fold = (stepNames: string[], progress: Iterable<Progress>, withBreakdown = false) => {
  const f = new ReportFold(stepNames, withBreakdown);
  for (const p of progress) f.add(p);
  return f;
};

export function stepReports(stepNames: string[], progress: Progress[]): StepReport[] {
  const t = new StepTally(stepNames.length);
  for (const p of progress) t.add(p);
  return t.steps(stepNames);
}

function totalsOf(steps: StepReport[], tally: StepTally): ReportTotals {
  const entered = steps[0]?.visitors ?? 0;
  const completed = steps.at(-1)?.visitors ?? 0;
  return {
    entered,
    completed,
    inProgress: tally.inProgress.reduce((a, b) => a + b, 0),
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
  return fold(stepNames, progress, true).breakdown(top);
}

function row(value: string, stepNames: string[], tally: StepTally): BreakdownRow {
  const steps = tally.steps(stepNames);
  const visitors = steps[0].visitors;
  const completed = steps.at(-1)!.visitors;
  return { value, visitors, completed, conversionRate: ratio(completed, visitors), steps };
}

export function buildReport(stepNames: string[], progress: Iterable<Progress>, withBreakdown = false): FunnelReport {
  return fold(stepNames, progress, withBreakdown).report();
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
