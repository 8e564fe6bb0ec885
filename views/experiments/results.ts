// One experiment's results in plain words: the SRM alert first when it fires, then per
// variant exposed visitors, conversions, rate ± interval, verified net revenue per
// exposed visitor, lift, chance to beat the control, expected loss and p-value; the
// sample size the MDE needs with a warning against stopping early; the breakdowns by
// device and channel; and (for owners) stopping with a winner or without.
import { experimentOutcome, outcomeSentence } from "../../src/experiments/outcome";
import type { BreakdownRow, ExperimentResults, VariantResult } from "../../src/experiments/results";
import { card, csrfField, formatCount, localTime, notice, table } from "../components";
import { html, type SafeHtml } from "../html";
import { experimentPath, experimentsBase } from "./list";

export interface ResultsView {
  funnelId: string;
  results: ExperimentResults;
  /** The primary metric in words, e.g. 'the conversion "signup"'. */
  metricWords: string;
  revenueMetric: boolean;
  canEdit: boolean;
  csrfToken: string;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const signedPct = (x: number | null) => (x === null ? "—" : `${x >= 0 ? "+" : "−"}${pct(Math.abs(x))}`);

function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

function pValueWords(p: number): string {
  return p < 0.05 ? `p = ${p.toFixed(4)}: unlikely to be chance alone (below 0.05)` : `p = ${p.toFixed(4)}: could well be chance (not below 0.05)`;
}

function sentence(v: VariantResult, control: VariantResult, r: ExperimentResults, revenue: boolean): SafeHtml {
  const c = v.vsControl;
  if (!c) return html`<li><strong>${v.name}</strong>: no comparison yet (a variant or the control has no exposed visitors).</li>`;
  const what = revenue
    ? `${money(v.revenuePerVisitor, r.currency)} per visitor against ${money(control.revenuePerVisitor, r.currency)} for ${control.name}`
    : `${pct(v.rate)} convert against ${pct(control.rate)} for ${control.name}`;
  const loss = revenue ? money(c.expectedLoss, r.currency) + " per visitor" : `${(c.expectedLoss * 100).toFixed(2)} percentage points`;
  const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(2)}`;
  const interval = revenue
    ? `the difference is between ${money(c.diffLow, r.currency)} and ${money(c.diffHigh, r.currency)} per visitor (95% interval)`
    : `the difference is between ${points(c.diffLow)} and ${points(c.diffHigh)} percentage points (95% interval)`;
  return html`<li><strong>${v.name}</strong>: ${what} (${signedPct(c.lift)}); ${interval}. There is a ${pct(c.probabilityToBeatControl)} chance that ${v.name} is better than ${control.name};
    if you pick it and it is not, you lose ${loss} on average. ${pValueWords(c.pValue)}.</li>`;
}

function variantsTable(r: ExperimentResults, revenue: boolean): SafeHtml {
  const control = r.variants[0];
  return table(
    [
      { label: "Variant" }, { label: "Exposed visitors", numeric: true }, { label: revenue ? "Paying visitors" : "Conversions", numeric: true },
      { label: "Rate (95% interval)", numeric: true }, { label: `Revenue per visitor (${r.currency})`, numeric: true }, { label: "Lift vs control", numeric: true },
      { label: "Chance to beat control", numeric: true }, { label: "Expected loss", numeric: true }, { label: "p-value", numeric: true },
    ],
    r.variants.map((v) => {
      const c = v.vsControl;
      return [
        `${v.name}${v === control ? " (control)" : ""} · ${v.weight}%`,
        formatCount(v.visitors),
        formatCount(v.conversions),
        `${pct(v.rate)} (${pct(v.rateLow)}–${pct(v.rateHigh)})`,
        money(v.revenuePerVisitor, r.currency),
        c ? signedPct(c.lift) : "—",
        c ? pct(c.probabilityToBeatControl) : "—",
        c ? (revenue ? money(c.expectedLoss, r.currency) : `${(c.expectedLoss * 100).toFixed(2)} pts`) : "—",
        c ? c.pValue.toFixed(4) : "—",
      ];
    }),
  );
}

function breakdownTable(title: string, rows: BreakdownRow[], names: string[]): SafeHtml {
  return table(
    [{ label: title }, ...names.map((n) => ({ label: `${n}: conversions / visitors (rate)`, numeric: true }))],
    rows.map((row) => [row.value, ...row.variants.map((v) => `${formatCount(v.conversions)} / ${formatCount(v.visitors)} (${pct(v.rate)})`)]),
    { empty: "No exposed visitors yet." },
  );
}

function stopForm(view: ResultsView): SafeHtml {
  const r = view.results;
  return card({
    title: "Stop the experiment",
    body: html`<form method="post" action="${experimentPath(view.funnelId, r.key)}/stop">
      ${csrfField(view.csrfToken)}
      <div class="field">
        <label for="x-winner">Outcome</label>
        <select id="x-winner" name="winner">
          <option value="">End without a winner: everyone sees ${r.variants[0].name} (the control)</option>
          ${r.variants.map((v) => html`<option value="${v.name}">Winner ${v.name}: everyone sees it from now on</option>`)}
        </select>
        <p class="hint">Pages pick this up within a minute.</p>
      </div>
      <button type="submit" class="button">Stop experiment</button>
    </form>`,
  });
}

export function resultsBody(view: ResultsView): SafeHtml {
  const r = view.results;
  const names = r.variants.map((v) => v.name);
  const least = Math.min(...r.variants.map((v) => v.visitors));
  const state = r.status === "running" ? "Running" : r.winner ? `Stopped: everyone sees ${r.winner}` : `Stopped without a winner: everyone sees ${names[0]}`;
  const srm = r.srm.alert
    ? notice(html`<strong>Sample ratio mismatch.</strong> Visitors are not split the way the weights say (${names.map((n, i) => `${n} ${r.variants[i].weight}%`).join(", ")}; chi-square p = ${r.srm.pValue.toExponential(2)}).
        Something is sending or counting some visitors differently (a redirect, a bot filter, a cached page): the results below cannot be trusted until the cause is fixed.`, "bad")
    : html``;
  const sample = r.sampleSizePerVariant
    ? html`<p>This test is set to find a lift of ${pct(r.minimumDetectableEffect, 0)} or more. For that it needs about <strong>${formatCount(r.sampleSizePerVariant)} exposed visitors per variant</strong>
        (5% false alarms, 80% power); the smallest variant has ${formatCount(least)}.</p>`
    : html`<p>This test is set to find a lift of ${pct(r.minimumDetectableEffect, 0)} or more; the visitors it needs can be estimated once the control has conversions.</p>`;
  const outcome = experimentOutcome(r);
  return html`<p><a href="${experimentsBase(view.funnelId)}">← All experiments</a></p>
    ${srm}
    ${outcome ? notice(html`<strong>Result.</strong> <span data-outcome>${outcomeSentence(outcome)}</span>`, outcome.state === "ready" && outcome.best?.significant ? "good" : "info") : ""}
    ${card({
      title: html`Experiment <code>${r.key}</code>`,
      body: html`<p>${state}. Judged on ${view.metricWords}. Counting visitors from their first exposure, ${localTime(r.from)} to ${localTime(r.to)}.</p>
        ${variantsTable(r, view.revenueMetric)}
        <ul>${r.variants.slice(1).map((v) => sentence(v, r.variants[0], r, view.revenueMetric))}</ul>
        ${sample}
        <p><strong>Do not stop early on a good day.</strong> Early numbers swing widely; a test stopped the first time it looks good will often pick a variant that is not better. Decide when the sample size above is reached.</p>
        ${r.variants.some((v) => v.secondary.length)
          ? table([{ label: "Secondary metric" }, ...names.map((n) => ({ label: n, numeric: true }))],
              r.variants[0].secondary.map((s, i) => [s.metric, ...r.variants.map((v) => `${formatCount(v.secondary[i].conversions)} (${pct(v.secondary[i].rate)})`)]))
          : ""}
        <p class="muted">How: rates with Wilson 95% intervals; p-values from a two-proportion z-test; chance to beat control and expected loss from beta-binomial posteriors with a uniform prior.
          Revenue is verified net revenue (payments confirmed by the provider, minus refunds) in ${r.currency}; per visitor it is compared with a normal approximation on each exposed visitor's revenue, those who paid nothing counted as zero, which needs a fair number of paying visitors to be reliable.</p>`,
    })}
    ${card({ title: "By device type", body: breakdownTable("Device", r.breakdowns.device, names) })}
    ${card({ title: "By channel", body: breakdownTable("Channel", r.breakdowns.channel, names) })}
    ${view.canEdit && r.status === "running" ? stopForm(view) : ""}`;
}
