// The statistics of a split test, pure (numbers in, numbers out; no SQL, no I/O).
// Rates: Wilson 95 % intervals, a two-proportion z-test, and a Bayesian comparison on
// Beta(1 + conversions, 1 + non-conversions) posteriors (uniform prior). Revenue per
// visitor: a normal approximation on per-visitor revenue, zeros included. Sample ratio
// mismatch: Pearson's chi-square goodness of fit. Distributions come from jstat.
import { beta, chisquare, normal } from "jstat";

/** The two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;
export const SRM_ALERT_BELOW = 0.001;

const phi = (x: number) => normal.cdf(x, 0, 1);
const density = (x: number) => normal.pdf(x, 0, 1);

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of a proportion (better than Wald near 0 and with few visitors). */
export function wilson(conversions: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 0 };
  const p = conversions / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface ZTest {
  /** Two-sided, pooled standard error (H0: equal rates). */
  pValue: number;
  /** 95 % Wald interval of rate(B) − rate(A), unpooled standard error. */
  diff: Interval;
}

export function twoProportionZTest(cA: number, nA: number, cB: number, nB: number): ZTest | null {
  if (nA <= 0 || nB <= 0) return null;
  const pA = cA / nA;
  const pB = cB / nB;
  const pooled = (cA + cB) / (nA + nB);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const pValue = se0 === 0 ? 1 : 2 * (1 - phi(Math.abs(pB - pA) / se0));
  const se = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  return { pValue, diff: { low: pB - pA - Z95 * se, high: pB - pA + Z95 * se } };
}

type Beta = [a: number, b: number];

/**
 * P(X > Y) for X ~ Beta(x), Y ~ Beta(y): ∫ f_X(t)·F_Y(t) dt by Simpson's rule over
 * the part of [0, 1] where X has its mass (mean ± 12 sd: what lies outside is < 1e-12).
 */
export function probGreater(x: Beta, y: Beta, steps = 2000): number {
  const [a, b] = x;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(0, mean - 12 * sd);
  const hi = Math.min(1, mean + 12 * sd);
  const h = (hi - lo) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const t = lo + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    sum += w * beta.pdf(t, a, b) * beta.cdf(t, y[0], y[1]);
  }
  return Math.min(1, Math.max(0, (sum * h) / 3));
}

export interface BayesComparison {
  /** P(variant's true value > control's). */
  probabilityToBeatControl: number;
  /** E[max(control − variant, 0)]: what choosing the variant costs, on average, if it is worse (rate or money per visitor). */
  expectedLoss: number;
}

/** Beta-binomial: uniform priors, so posteriors Beta(1 + c, 1 + n − c). */
export function betaBinomial(cA: number, nA: number, cB: number, nB: number): BayesComparison {
  const A: Beta = [1 + cA, 1 + nA - cA];
  const B: Beta = [1 + cB, 1 + nB - cB];
  const probabilityToBeatControl = probGreater(B, A);
  // E[A·1(A>B)] = mean(A)·P(A⁺ > B) with A⁺ ~ Beta(a + 1, b) (t·Beta(a,b) density ∝ Beta(a+1,b) density).
  const meanA = A[0] / (A[0] + A[1]);
  const meanB = B[0] / (B[0] + B[1]);
  const loss = meanA * probGreater([A[0] + 1, A[1]], B) - meanB * (1 - probGreater([B[0] + 1, B[1]], A));
  return { probabilityToBeatControl, expectedLoss: Math.max(0, loss) };
}

/** Per-visitor values of one variant, summarised: count, sum and sum of squares (zeros included in n). */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

export function moments(values: number[], n = values.length): Moments {
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) (sum += v), (sumSquares += v * v);
  return { n, sum, sumSquares };
}

function meanAndSe(m: Moments): { mean: number; se2: number } {
  const mean = m.sum / m.n;
  const variance = m.n > 1 ? Math.max(0, (m.sumSquares - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, se2: variance / m.n };
}

export interface MeanComparison extends BayesComparison {
  pValue: number;
  /** 95 % interval of mean(B) − mean(A). */
  diff: Interval;
}

/**
 * Mean per visitor (revenue), normal approximation: by the central limit theorem the
 * difference of means is ≈ N(d, seA² + seB²) even though most visitors pay nothing.
 * Probability to beat control Φ(d/s), expected loss s·φ(d/s) − d·Φ(−d/s), Welch z-test.
 */
export function compareMeans(A: Moments, B: Moments): MeanComparison | null {
  if (A.n <= 0 || B.n <= 0) return null;
  const a = meanAndSe(A);
  const b = meanAndSe(B);
  const d = b.mean - a.mean;
  const s = Math.sqrt(a.se2 + b.se2);
  if (s === 0) return { probabilityToBeatControl: d > 0 ? 1 : d < 0 ? 0 : 0.5, expectedLoss: Math.max(0, -d), pValue: d === 0 ? 1 : 0, diff: { low: d, high: d } };
  return {
    probabilityToBeatControl: phi(d / s),
    expectedLoss: s * density(d / s) - d * phi(-d / s),
    pValue: 2 * (1 - phi(Math.abs(d) / s)),
    diff: { low: d - Z95 * s, high: d + Z95 * s },
  };
}

export interface Srm {
  chiSquare: number;
  pValue: number;
  alert: boolean;
}

/** Sample ratio mismatch: are the exposed counts what the weights (percent) promise? */
export function sampleRatioMismatch(observed: number[], weights: number[]): Srm {
  const total = observed.reduce((s, o) => s + o, 0);
  const wsum = weights.reduce((s, w) => s + w, 0);
  if (total === 0 || observed.length < 2) return { chiSquare: 0, pValue: 1, alert: false };
  let chi = 0;
  observed.forEach((o, i) => {
    const e = (total * weights[i]) / wsum;
    chi += ((o - e) * (o - e)) / e;
  });
  const pValue = Math.max(0, 1 - chisquare.cdf(chi, observed.length - 1));
  return { chiSquare: chi, pValue, alert: pValue < SRM_ALERT_BELOW };
}

/**
 * Visitors per variant to detect a relative lift `mde` on a baseline rate with a
 * two-sided test at α = 0.05 and 80 % power (normal approximation, no continuity
 * correction); null when the lifted rate would pass 100 % or the baseline is 0.
 */
export function sampleSizeForRate(baseline: number, mde: number, alpha = 0.05, power = 0.8): number | null {
  const p1 = baseline;
  const p2 = baseline * (1 + mde);
  if (!(p1 > 0) || !(p2 < 1) || mde <= 0) return null;
  const za = normal.inv(1 - alpha / 2, 0, 1);
  const zb = normal.inv(power, 0, 1);
  const pbar = (p1 + p2) / 2;
  const n = (za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2;
  return Math.ceil(n);
}

/** The same for a mean per visitor (revenue) with the control's spread: 2(zα + zβ)²σ² / (mde·μ)². */
export function sampleSizeForMean(control: Moments, mde: number, alpha = 0.05, power = 0.8): number | null {
  if (control.n < 2 || control.sum <= 0 || mde <= 0) return null;
  const mean = control.sum / control.n;
  const variance = (control.sumSquares - control.n * mean * mean) / (control.n - 1);
  const za = normal.inv(1 - alpha / 2, 0, 1);
  const zb = normal.inv(power, 0, 1);
  return Math.ceil((2 * (za + zb) ** 2 * variance) / (mde * mean) ** 2);
}
