// The split-test statistics against reference values computed independently of
// src/experiments/stats.ts. Every value says where it comes from; the Python lines ran
// with Python 3.11.7 and SciPy 1.17.1 (`from scipy import stats, integrate, special`).
import { describe, expect, test } from "bun:test";
import { betaBinomial, compareMeans, moments, sampleRatioMismatch, sampleSizeForRate, twoProportionZTest, wilson } from "../../src/experiments/stats";

describe("Wilson 95 % interval", () => {
  // Published worked examples: R. G. Newcombe, "Two-sided confidence intervals for the
  // single proportion: comparison of seven methods", Statistics in Medicine 17 (1998),
  // Table II, method 3 (score interval without continuity correction), 4 decimals.
  test.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("%d/%d → %f to %f (Newcombe 1998)", (c, n, low, high) => {
    const ci = wilson(c, n);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });

  test("no visitors: an empty interval, not NaN", () => {
    expect(wilson(0, 0)).toEqual({ low: 0, high: 0 });
  });
});

describe("two-proportion z-test", () => {
  // The pooled z-test is the 2×2 chi-square test without continuity correction (z² = χ²):
  // stats.chi2_contingency([[cA, nA-cA], [cB, nB-cB]], correction=False)[1]
  test.each([
    [100, 1000, 120, 1000, 0.15291778186394195],
    [1200, 10000, 1150, 10000, 0.2722305699775577],
  ])("%d/%d vs %d/%d → p = %f (SciPy chi2_contingency)", (cA, nA, cB, nB, p) => {
    expect(twoProportionZTest(cA, nA, cB, nB)!.pValue).toBeCloseTo(p, 9);
  });

  test("the interval of the difference brackets it, and no visitors gives null", () => {
    const t = twoProportionZTest(100, 1000, 120, 1000)!;
    expect(t.diff.low).toBeLessThan(0.02);
    expect(t.diff.high).toBeGreaterThan(0.02);
    // Wald half-width: stats.norm.ppf(0.975)*math.sqrt(0.1*0.9/1000+0.12*0.88/1000)
    expect(t.diff.high - 0.02).toBeCloseTo(0.027411481998019944, 9);
    expect(twoProportionZTest(0, 0, 1, 10)).toBeNull();
  });
});

describe("beta-binomial: probability to beat control and expected loss", () => {
  // Probability: Evan Miller's closed form for P(pB > pA) with Beta(1+c, 1+n−c) posteriors
  // (https://www.evanmiller.org/bayesian-ab-testing.html), in Python:
  //   sum(exp(special.betaln(aA+i, bA+bB) - log(bB+i) - special.betaln(1+i, bB) - special.betaln(aA, bA)) for i in range(aB))
  // Expected loss E[max(pA − pB, 0)] by 2-D numerical integration:
  //   integrate.dblquad(lambda b, a: (a-b)*A.pdf(a)*B.pdf(b), lo, hi, lambda a: lo, lambda a: a, epsabs=1e-12)
  //   with A = stats.beta(aA, bA), B = stats.beta(aB, bB), lo/hi their 1e-13 tails.
  test.each([
    [100, 1000, 120, 1000, 0.9231834389724246, 0.00048461392635644436],
    [3, 10, 6, 12, 0.8153856508278365, 0.019278054471216378],
    [0, 50, 1, 50, 0.7524752475247527, 0.0046676624346517984],
    [1200, 10000, 1150, 10000, 0.13615973103214102, 0.005312943476464166],
  ])("%d/%d vs %d/%d", (cA, nA, cB, nB, prob, loss) => {
    const r = betaBinomial(cA, nA, cB, nB);
    expect(r.probabilityToBeatControl).toBeCloseTo(prob, 7);
    expect(r.expectedLoss).toBeCloseTo(loss, 7);
  });

  test("identical data: a coin toss", () => {
    expect(betaBinomial(50, 500, 50, 500).probabilityToBeatControl).toBeCloseTo(0.5, 7);
  });
});

describe("revenue per visitor (normal approximation, zeros included)", () => {
  // A: 1000 visitors, 30 paid 49. B: 1000 visitors, 40 paid 49 and 5 paid 99. In Python:
  //   A = np.zeros(1000); A[:30] = 49; B = np.zeros(1000); B[:40] = 49; B[40:45] = 99
  //   D = stats.norm(B.mean() - A.mean(), sqrt(A.var(ddof=1)/1000 + B.var(ddof=1)/1000))
  //   D.sf(0) → probability; integrate.quad(lambda x: -x*D.pdf(x), -inf, 0) → loss; 2*D.cdf(0) → p
  test("against SciPy", () => {
    const A = moments(Array(30).fill(49), 1000);
    const B = moments([...Array(40).fill(49), ...Array(5).fill(99)], 1000);
    const r = compareMeans(A, B)!;
    expect(r.probabilityToBeatControl).toBeCloseTo(0.9843833154694253, 9);
    expect(r.expectedLoss).toBeCloseTo(0.002544268584086189, 9);
    expect(r.pValue).toBeCloseTo(0.031233369061149444, 9);
  });

  test("nobody paid anywhere: no difference, no NaN", () => {
    const r = compareMeans(moments([], 100), moments([], 100))!;
    expect(r).toMatchObject({ probabilityToBeatControl: 0.5, expectedLoss: 0, pValue: 1 });
  });
});

describe("sample ratio mismatch", () => {
  // stats.chisquare(observed, expected).pvalue
  test("60/40 on a 50/50 test with 5,000 visitors alerts (SciPy: 2.0884875837625688e-45)", () => {
    const srm = sampleRatioMismatch([3000, 2000], [50, 50]);
    expect(srm.alert).toBe(true);
    expect(srm.pValue).toBeLessThan(1e-40);
  });

  test.each([
    [[5050, 4950], [50, 50], 0.31731050786291115],
    [[510, 250, 240], [50, 25, 25], 0.7408182206817179],
  ])("%j on weights %j → p = %f, no alert (SciPy chisquare)", (observed, weights, p) => {
    const srm = sampleRatioMismatch(observed, weights);
    expect(srm.pValue).toBeCloseTo(p, 9);
    expect(srm.alert).toBe(false);
  });
});

describe("sample size for the minimum detectable effect", () => {
  // Fleiss's formula without continuity correction, α = 0.05 two-sided, power 0.8, in Python:
  //   za = stats.norm.ppf(0.975); zb = stats.norm.ppf(0.8); p2 = p1*(1+m); pb = (p1+p2)/2
  //   ceil((za*sqrt(2*pb*(1-pb)) + zb*sqrt(p1*(1-p1) + p2*(1-p2)))**2 / (p2-p1)**2)
  test.each([
    [0.1, 0.2, 3841],
    [0.05, 0.1, 31234],
  ])("baseline %f, lift %f → %d per variant", (p1, mde, n) => {
    expect(sampleSizeForRate(p1, mde)).toBe(n);
  });

  test("impossible lifts give null", () => {
    expect(sampleSizeForRate(0, 0.1)).toBeNull();
    expect(sampleSizeForRate(0.6, 1)).toBeNull();
  });
});
