// The results of an experiment: per variant, exposed visitors, conversions on the
// primary metric (at or after the first exposure, within the experiment's dates),
// rate with its Wilson interval, verified net revenue per exposed visitor, lift and
// the comparison with the control; the SRM check; the sample size the MDE needs; the
// primary metric by device type and channel. Reader: plain (db, args) → data.
import { mostCommonCurrency, summarize } from "../analytics/revenue-report";
import type { Db } from "../db/open";
import { currencySetting } from "../funnels/currency";
import { eventMatchesStep, getSteps, type Step } from "../funnels/steps-definition";
import { fromMinorUnits } from "../pipeline/money";
import { parseMetric, type Metric } from "./definition";
import type { ExposedVisitor, JourneyReader, LaterEvent } from "../store/journey-reader";
import { betaBinomial, compareMeans, moments, sampleRatioMismatch, sampleSizeForMean, sampleSizeForRate, twoProportionZTest, wilson, type Srm } from "./stats";
import { requireExperiment, type Experiment } from "./store";

export interface Comparison {
  /** Relative to the control on the primary measure (rate, or revenue per visitor for a revenue metric). */
  lift: number | null;
  probabilityToBeatControl: number;
  expectedLoss: number;
  pValue: number;
  diffLow: number;
  diffHigh: number;
}

export interface VariantResult {
  name: string;
  weight: number;
  visitors: number;
  conversions: number;
  rate: number;
  rateLow: number;
  rateHigh: number;
  /** Verified net revenue per exposed visitor, major units of `currency`. */
  revenuePerVisitor: number;
  /** null for the control. */
  vsControl: Comparison | null;
  secondary: { metric: string; conversions: number; rate: number }[];
}

export interface BreakdownRow {
  value: string;
  variants: { name: string; visitors: number; conversions: number; rate: number }[];
}

export interface ExperimentResults {
  key: string;
  status: Experiment["status"];
  winner: string | null;
  metric: string;
  currency: string;
  from: number;
  to: number;
  srm: Srm;
  variants: VariantResult[];
  minimumDetectableEffect: number;
  /** Visitors per variant the MDE needs (from the control's rate or revenue so far); null while unknown. */
  sampleSizePerVariant: number | null;
  breakdowns: { device: BreakdownRow[]; channel: BreakdownRow[] };
}

type Converted = (visitor: string) => boolean;

/** Which visitors a metric counts as converted, from their later events and verified net revenue. */
function convertedBy(metric: Metric, steps: Step[], events: LaterEvent[], netByVisitor: Map<string, number>): Converted {
  if (metric.kind === "revenue") return (v) => (netByVisitor.get(v) ?? 0) > 0;
  const hit = new Set<string>();
  const step = metric.kind === "step" ? steps[metric.step - 1] : undefined;
  for (const e of events) {
    if (hit.has(e.visitor)) continue;
    const ok = metric.kind === "conversion"
      ? e.type === "conversion" && e.name === metric.name
      : !!step && eventMatchesStep({ type: e.type, name: e.name, path: e.path, props: e.props ? JSON.parse(e.props) : null }, step);
    if (ok) hit.add(e.visitor);
  }
  return (v) => hit.has(v);
}

function breakdown(exp: Experiment, exposed: ExposedVisitor[], converted: Converted, dim: "device" | "channel"): BreakdownRow[] {
  const rows = new Map<string, Map<string, { visitors: number; conversions: number }>>();
  for (const x of exposed) {
    const value = x[dim] ?? (dim === "device" ? "desktop" : "direct");
    let row = rows.get(value);
    if (!row) rows.set(value, (row = new Map()));
    const cell = row.get(x.variant) ?? { visitors: 0, conversions: 0 };
    cell.visitors++;
    if (converted(x.visitor)) cell.conversions++;
    row.set(x.variant, cell);
  }
  return [...rows.entries()]
    .map(([value, cells]) => ({
      value,
      variants: exp.variants.map((v) => {
        const c = cells.get(v.name) ?? { visitors: 0, conversions: 0 };
        return { name: v.name, ...c, rate: c.visitors ? c.conversions / c.visitors : 0 };
      }),
    }))
    .sort((a, b) => b.variants.reduce((s, v) => s + v.visitors, 0) - a.variants.reduce((s, v) => s + v.visitors, 0));
}

export interface ResultsInput {
  exposed: ExposedVisitor[];
  events: LaterEvent[];
  /** Verified net revenue per visitor, minor units of `currency`. */
  netByVisitor: Map<string, number>;
  steps: Step[];
  currency: string;
  from: number;
  to: number;
}

/** Pure: the experiment and its data → results. */
export function computeResults(exp: Experiment, input: ResultsInput): ExperimentResults {
  const names = new Set(exp.variants.map((v) => v.name));
  const exposed = input.exposed.filter((x) => names.has(x.variant));
  const metric = parseMetric(exp.metric);
  const converted = convertedBy(metric, input.steps, input.events, input.netByVisitor);
  const secondary = exp.secondaryMetrics.map((m) => ({ metric: m, converted: convertedBy(parseMetric(m), input.steps, input.events, input.netByVisitor) }));
  const major = (minor: number) => fromMinorUnits(minor, input.currency);

  const stats = exp.variants.map((v) => {
    const mine = exposed.filter((x) => x.variant === v.name);
    const revenue = mine.map((x) => major(input.netByVisitor.get(x.visitor) ?? 0)).filter((r) => r !== 0);
    return {
      v,
      visitors: mine.length,
      conversions: mine.filter((x) => converted(x.visitor)).length,
      money: moments(revenue, mine.length),
      secondary: secondary.map((s) => ({ metric: s.metric, conversions: mine.filter((x) => s.converted(x.visitor)).length })),
    };
  });
  const control = stats[0];
  const rateOf = (s: (typeof stats)[number]) => (s.visitors ? s.conversions / s.visitors : 0);
  const rpvOf = (s: (typeof stats)[number]) => (s.visitors ? s.money.sum / s.visitors : 0);
  const variants: VariantResult[] = stats.map((s, i) => {
    const ci = wilson(s.conversions, s.visitors);
    let vsControl: Comparison | null = null;
    if (i > 0 && control.visitors > 0 && s.visitors > 0) {
      if (metric.kind === "revenue") {
        const m = compareMeans(control.money, s.money)!;
        const base = rpvOf(control);
        vsControl = { lift: base ? rpvOf(s) / base - 1 : null, probabilityToBeatControl: m.probabilityToBeatControl, expectedLoss: m.expectedLoss, pValue: m.pValue, diffLow: m.diff.low, diffHigh: m.diff.high };
      } else {
        const b = betaBinomial(control.conversions, control.visitors, s.conversions, s.visitors);
        const z = twoProportionZTest(control.conversions, control.visitors, s.conversions, s.visitors)!;
        const base = rateOf(control);
        vsControl = { lift: base ? rateOf(s) / base - 1 : null, ...b, pValue: z.pValue, diffLow: z.diff.low, diffHigh: z.diff.high };
      }
    }
    return {
      name: s.v.name,
      weight: s.v.weight,
      visitors: s.visitors,
      conversions: s.conversions,
      rate: rateOf(s),
      rateLow: ci.low,
      rateHigh: ci.high,
      revenuePerVisitor: Math.round(rpvOf(s) * 10000) / 10000,
      vsControl,
      secondary: s.secondary.map((x) => ({ ...x, rate: s.visitors ? x.conversions / s.visitors : 0 })),
    };
  });
  return {
    key: exp.key,
    status: exp.status,
    winner: exp.winner,
    metric: exp.metric,
    currency: input.currency,
    from: input.from,
    to: input.to,
    srm: sampleRatioMismatch(stats.map((s) => s.visitors), exp.variants.map((v) => v.weight)),
    variants,
    minimumDetectableEffect: exp.minimumDetectableEffect,
    sampleSizePerVariant: metric.kind === "revenue" ? sampleSizeForMean(control.money, exp.minimumDetectableEffect) : sampleSizeForRate(rateOf(control), exp.minimumDetectableEffect),
    breakdowns: { device: breakdown(exp, exposed, converted, "device"), channel: breakdown(exp, exposed, converted, "channel") },
  };
}

/** The dashboard's and the API's loader: the experiment from `db`, what visitors did from the event store. */
export async function experimentResults(db: Db, journeys: JourneyReader, args: { funnelId: string; key: string; now: number }): Promise<ExperimentResults> {
  const sqlite = db.$client;
  const exp = requireExperiment(db, args.funnelId, args.key);
  const w = { funnelId: args.funnelId, key: exp.key, from: exp.startedAt, to: exp.stoppedAt ?? args.now };
  const orders = await journeys.ordersAfterExposure(w);
  // The funnel's main currency as the revenue report picks it; other currencies are left out.
  const currency = currencySetting(sqlite, args.funnelId) ?? mostCommonCurrency(orders);
  const netByVisitor = new Map<string, number>();
  for (const row of summarize(currency, orders).rows) if (row.value !== null) netByVisitor.set(row.value, row.verifiedNet);
  const needsEvents = [exp.metric, ...exp.secondaryMetrics].some((m) => m !== "revenue");
  const [exposed, events] = await Promise.all([journeys.exposedVisitors(w), needsEvents ? journeys.eventsAfterExposure(w) : []]);
  return computeResults(exp, {
    exposed,
    events,
    netByVisitor,
    steps: getSteps(db, args.funnelId)?.steps ?? [],
    currency,
    from: w.from,
    to: w.to,
  });
}

/** The JSON API's fixed shape. */
export function resultsJson(r: ExperimentResults) {
  return {
    key: r.key,
    status: r.status,
    srm: { pValue: r.srm.pValue, alert: r.srm.alert },
    variants: r.variants.map((v) => ({
      name: v.name,
      weight: v.weight,
      visitors: v.visitors,
      conversions: v.conversions,
      rate: v.rate,
      rateLow: v.rateLow,
      rateHigh: v.rateHigh,
      revenuePerVisitor: v.revenuePerVisitor,
      probabilityToBeatControl: v.vsControl?.probabilityToBeatControl ?? null,
      expectedLoss: v.vsControl?.expectedLoss ?? null,
      pValue: v.vsControl?.pValue ?? null,
    })),
  };
}
