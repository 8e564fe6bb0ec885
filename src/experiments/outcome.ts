// Whether an experiment has reached a result, by the rule its results page states:
// decide once every variant has the exposed visitors the minimum detectable effect
// needs (and the split is not broken: no sample ratio mismatch), or when an owner
// stopped it. Then the variant that did best against the control, and whether that
// difference is unlikely to be chance (p < 0.05). Pure: results → outcome; the results
// page and the email digest both use it, so they never disagree.
import type { ExperimentResults, VariantResult } from "./results";

export const SIGNIFICANCE = 0.05;

export interface ExperimentOutcome {
  key: string;
  metric: string;
  /** "stopped": an owner ended it; "ready": the sample size is reached, waiting for a decision. */
  state: "stopped" | "ready";
  /** The variant kept for everyone when stopped (null: ended without one, the control stays). */
  winner: string | null;
  control: { name: string; visitors: number; rate: number; revenuePerVisitor: number };
  /** The best variant against the control; null when no variant could be compared. */
  best: {
    name: string;
    visitors: number;
    rate: number;
    revenuePerVisitor: number;
    lift: number | null;
    probabilityToBeatControl: number;
    pValue: number;
    /** p < 0.05 */
    significant: boolean;
  } | null;
  currency: string;
}

/** True when every variant has the sample the MDE needs and the split is sound. */
export function sampleReached(r: ExperimentResults): boolean {
  return r.sampleSizePerVariant !== null && !r.srm.alert && r.variants.every((v) => v.visitors >= r.sampleSizePerVariant!);
}

function bestOf(variants: VariantResult[]): VariantResult | null {
  let best: VariantResult | null = null;
  for (const v of variants) {
    if (!v.vsControl) continue;
    if (!best || v.vsControl.probabilityToBeatControl > best.vsControl!.probabilityToBeatControl) best = v;
  }
  return best;
}

/** The outcome, or null while the experiment is running and has not reached its sample size. */
export function experimentOutcome(r: ExperimentResults): ExperimentOutcome | null {
  if (r.status === "running" && !sampleReached(r)) return null;
  const control = r.variants[0];
  const best = bestOf(r.variants.slice(1));
  return {
    key: r.key,
    metric: r.metric,
    state: r.status === "stopped" ? "stopped" : "ready",
    winner: r.winner,
    control: { name: control.name, visitors: control.visitors, rate: control.rate, revenuePerVisitor: control.revenuePerVisitor },
    best: best && best.vsControl
      ? {
          name: best.name,
          visitors: best.visitors,
          rate: best.rate,
          revenuePerVisitor: best.revenuePerVisitor,
          lift: best.vsControl.lift,
          probabilityToBeatControl: best.vsControl.probabilityToBeatControl,
          pValue: best.vsControl.pValue,
          significant: best.vsControl.pValue < SIGNIFICANCE,
        }
      : null,
    currency: r.currency,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One sentence, the same on the results page and in the digest. */
export function outcomeSentence(o: ExperimentOutcome): string {
  const b = o.best;
  const lift = b?.lift == null ? "" : ` (${b.lift >= 0 ? "+" : "−"}${pct(Math.abs(b.lift))})`;
  const measure = (v: { rate: number; revenuePerVisitor: number }) => (o.metric === "revenue" ? `${v.revenuePerVisitor.toFixed(2)} ${o.currency} per visitor` : `${pct(v.rate)} converting`);
  const vs = b ? `${b.name} ${measure(b)} against ${o.control.name} ${measure(o.control)}${lift}, p = ${b.pValue.toFixed(4)}` : "no variant could be compared";
  if (o.state === "stopped") return `Stopped ${o.winner ? `with ${o.winner} as the winner` : `without a winner (${o.control.name} stays)`}: ${vs}.`;
  if (!b) return `Sample size reached: ${vs}.`;
  if (!b.significant) return `Sample size reached, no clear difference: ${vs}.`;
  return (b.lift ?? 0) >= 0 ? `Sample size reached, ${b.name} wins: ${vs}.` : `Sample size reached, ${o.control.name} (the control) wins: ${vs}.`;
}
