// The funnel report page: range and breakdown form, headline numbers against the
// previous period, horizontal bars with the drop-off between steps, the per-step
// table, the drill-down slot and the breakdown table.
import type { StepsReport } from "../../src/analytics/steps-report";
import { NONE_VALUE, OTHER_VALUE, type StepReport } from "../../src/analytics/funnel-report";
import type { Step } from "../../src/funnels/steps-definition";
import { revenuePlaceholderAt } from "../analytics/revenue";
import { badge, card, emptyState, formatCount, formatRevenue, stat, table } from "../components";
import { html, type SafeHtml } from "../html";
import { DIMENSIONS, leafValue } from "../../src/analytics/dimensions";
import type { Filter } from "../../src/analytics/filters";
import { PRESET_LABELS, PRESETS, type Period } from "../../src/analytics/period";
import { localDate } from "../../src/analytics/timezone";
import { deltaCount, deltaPoints, duration, pct } from "./format";

export const BREAKDOWN_LABELS: Record<string, string> = {
  channel: "Channel", referrer: "Referrer", utm_source: "UTM source", utm_medium: "UTM medium", utm_campaign: "UTM campaign",
  device: "Device", browser: "Browser", country: "Country", landing_page: "Landing page",
};

export interface ReportView extends RangeView {
  steps: Step[];
  report: StepsReport;
}

const base = (v: ReportView) => `/funnels/${encodeURIComponent(v.funnelId)}`;

function describeStep(s: Step): string {
  const what = s.page !== undefined ? `page ${s.page}` : s.event === "$conversion" ? "any conversion" : `event ${s.event}`;
  const where = s.where ? ` where ${Object.entries(s.where).map(([k, val]) => `${k}=${val}`).join(", ")}` : "";
  return what + where;
}

function drillUrl(v: ReportView, step: number, status: string): string {
  const q = reportUrl(v, { breakdown: null, step: String(step), status }).split("?")[1];
  return `${base(v)}/steps/visitors?${q}`;
}

function drillLink(v: ReportView, step: number, status: string, label: SafeHtml | string): SafeHtml {
  const url = drillUrl(v, step, status);
  return html`<a href="${url}" hx-get="${url}" hx-target="#drilldown" hx-swap="innerHTML" hx-push-url="false">${label}</a>`;
}

function bar(ratio: number, label: string): SafeHtml {
  const w = Math.max(0, Math.min(1000, Math.round(ratio * 1000)));
  return html`<svg class="fbar-svg" viewBox="0 0 1000 28" preserveAspectRatio="none" role="img" aria-label="${label}" focusable="false">
    <rect class="fbar-bg" x="0" y="0" width="1000" height="28"></rect>
    <rect class="fbar-fill" x="0" y="0" width="${w}" height="28"></rect>
  </svg>`;
}

function bars(v: ReportView): SafeHtml {
  const { steps } = v.report;
  const top = steps[0]?.visitors ?? 0;
  return html`<ol class="fbars">${steps.map((s, i) => {
    const ratio = top ? s.visitors / top : 0;
    const stopped = s.dropped + s.inProgress;
    const next = steps[i + 1];
    return html`<li class="fbar">
      <div class="fbar-head">
        <span class="fbar-num" aria-hidden="true">${i + 1}</span>
        <strong class="fbar-name">${s.name}</strong>
        <span class="fbar-def">${describeStep(v.steps[i])}</span>
      </div>
      <div class="fbar-row">
        ${bar(ratio, `${s.name}: ${formatCount(s.visitors)} visitors, ${pct(s.conversionFromStart)} of those who entered`)}
        <div class="fbar-figures"><strong>${formatCount(s.visitors)}</strong> <span class="muted">${pct(s.conversionFromStart)}</span></div>
      </div>
      ${Object.keys(s.revenue).length ? html`<div class="fbar-revenue">Revenue ${formatRevenue(s.revenue)} · ${formatRevenue(s.revenuePerEntrant)} per visitor entering</div>` : ""}
      ${next
        ? html`<div class="fdrop">
            <span class="fdrop-arrow" aria-hidden="true">↓</span>
            <span>${pct(next.conversionFromPrevious)} continued${next.medianSecondsFromPrevious !== null ? html` <span class="muted">(median ${duration(next.medianSecondsFromPrevious)})</span>` : ""}</span>
            <span class="fdrop-lost">${stopped
              ? html`${drillLink(v, i + 1, "stopped", `${formatCount(stopped)} stopped here`)}
                  <span class="muted">${s.dropped ? `${formatCount(s.dropped)} dropped (${pct(s.droppedRate)})` : ""}${s.dropped && s.inProgress ? " · " : ""}${s.inProgress ? `${formatCount(s.inProgress)} in progress` : ""}</span>`
              : html`<span class="muted">nobody stopped here</span>`}</span>
            ${next.visitors ? drillLink(v, i + 1, "continued", "who continued") : ""}
          </div>`
        : ""}
    </li>`;
  })}</ol>`;
}

function headline(v: ReportView): SafeHtml {
  const t = v.report.totals;
  const prev = v.report.previous?.totals;
  const tag = (d: { text: string; tone: "good" | "bad" | "neutral" }) => html` ${badge(d.text, d.tone)}`;
  return html`<div class="steps-stats">
    ${stat("Entered the funnel", html`${formatCount(t.entered)}${prev ? tag(deltaCount(t.entered, prev.entered)) : ""}`)}
    ${stat("Completed", html`${formatCount(t.completed)}${prev ? tag(deltaCount(t.completed, prev.completed)) : ""}`, t.inProgress ? `${formatCount(t.inProgress)} still in progress` : undefined)}
    ${stat("Conversion", html`${pct(t.conversionRate)}${prev?.entered ? tag(deltaPoints(t.conversionRate, prev.conversionRate)) : ""}`)}
    ${stat("Revenue", formatRevenue(t.revenue))}
    ${stat("Revenue per visitor entering", formatRevenue(t.revenuePerEntrant))}
  </div>${prev ? html`<p class="hint">Badges compare with the previous period, ${localDate(v.report.previous!.from, v.period.tz)} – ${localDate(v.report.previous!.to - 1, v.period.tz)}.</p>` : ""}`;
}

function detailTable(v: ReportView): SafeHtml {
  const prev = v.report.previous;
  const cols = [
    { label: "Step" }, { label: "Visitors", numeric: true }, { label: "From previous", numeric: true }, { label: "From start", numeric: true },
    { label: "Dropped", numeric: true }, { label: "In progress", numeric: true }, { label: "Median time", numeric: true }, { label: "p90 time", numeric: true },
    { label: "Revenue", numeric: true }, { label: "Per entrant", numeric: true },
    ...(prev ? [{ label: "Previous period", numeric: true }] : []),
  ];
  const rows = v.report.steps.map((s: StepReport, i) => [
    html`${i + 1}. ${s.name}`, formatCount(s.visitors), i ? pct(s.conversionFromPrevious) : "—", pct(s.conversionFromStart),
    s.dropped ? html`${formatCount(s.dropped)} <span class="muted">(${pct(s.droppedRate)})</span>` : "0", formatCount(s.inProgress),
    duration(s.medianSecondsFromPrevious), duration(s.p90SecondsFromPrevious), formatRevenue(s.revenue), formatRevenue(s.revenuePerEntrant),
    ...(prev ? [html`${formatCount(prev.steps[i]?.visitors ?? 0)} <span class="muted">(${pct(prev.steps[i]?.conversionFromStart ?? 0)})</span>`] : []),
  ]);
  return table(cols, rows);
}

function filterLink(v: ReportView, value: string): SafeHtml | string {
  const key = BREAKDOWN_FILTER_KEY[v.report.breakdownBy ?? ""];
  if (!key || value === OTHER_VALUE) return value;
  return html`<a href="${reportUrl(v, { [key]: value === NONE_VALUE ? "" : value, breakdown: null })}" title="Only visitors whose entry had this value">${value}</a>`;
}

function breakdownTable(v: ReportView): SafeHtml {
  const rows = v.report.breakdown ?? [];
  const label = BREAKDOWN_LABELS[v.report.breakdownBy ?? ""] ?? "Value";
  const cols = [{ label }, ...v.report.steps.map((s, i) => ({ label: `${i + 1}. ${s.name}`, numeric: true })), { label: "Conversion", numeric: true }];
  return table(
    cols,
    rows.map((r) => [
      filterLink(v, r.value),
      ...r.steps.map((s, i) => (i === 0 ? formatCount(s.visitors) : html`${formatCount(s.visitors)} <span class="muted">${pct(s.conversionFromStart)}</span>`)),
      html`<strong>${pct(r.conversionRate)}</strong>`,
    ]),
    { empty: "Nobody entered the funnel in this range." },
  );
}

/** Breakdown dimension → the dashboard filter key for "only this value". */
export const BREAKDOWN_FILTER_KEY: Record<string, string> = {
  channel: "channel", referrer: "referrer", utm_source: "source", utm_medium: "medium", utm_campaign: "campaign",
  device: "device", browser: "browser", country: "country", landing_page: "entry",
};

export interface RangeView {
  funnelId: string;
  period: Period;
  breakdown?: string;
  filters: Filter[];
}

/** The report's URL with some parameters changed (null removes one). */
export function reportUrl(v: RangeView, changes: Record<string, string | null> = {}): string {
  const q = new URLSearchParams();
  q.set("range", v.period.preset);
  if (v.period.preset === "custom") {
    q.set("from", v.period.fromDate ?? localDate(v.period.from, v.period.tz));
    q.set("to", v.period.toDate ?? localDate(v.period.to - 1, v.period.tz));
  }
  if (v.period.tz !== "UTC") q.set("tz", v.period.tz);
  if (v.breakdown) q.set("breakdown", v.breakdown);
  for (const f of v.filters) q.set(f.key, f.value);
  for (const [k, val] of Object.entries(changes)) (val === null ? q.delete(k) : q.set(k, val));
  return `/funnels/${encodeURIComponent(v.funnelId)}/steps?${q}`;
}

function filterChips(v: RangeView): SafeHtml {
  if (!v.filters.length) return html``;
  return html`<div class="steps-filters" aria-label="Active filters"><span class="muted">Visitors whose entry visit has</span>
    ${v.filters.map((f) => html`<a class="badge chip" href="${reportUrl(v, { [f.key]: null })}" title="Remove this filter">${DIMENSIONS[f.key].label}: ${f.value === "" ? "(none)" : leafValue(f.value)} ✕</a>`)}</div>`;
}

export function rangeForm(v: RangeView): SafeHtml {
  const action = `/funnels/${encodeURIComponent(v.funnelId)}/steps`;
  const p = v.period;
  return html`<form method="get" action="${action}" class="steps-range">
    <div class="field"><label for="r-range">Entered the funnel</label>
      <select id="r-range" name="range">${PRESETS.map((k) => html`<option value="${k}"${k === p.preset ? html` selected` : ""}>${PRESET_LABELS[k]}${k === "custom" ? ": the dates" : ""}</option>`)}</select></div>
    <div class="field"><label for="r-from">From</label><input id="r-from" name="from" type="date" value="${p.fromDate ?? localDate(p.from, p.tz)}"></div>
    <div class="field"><label for="r-to">To (inclusive)</label><input id="r-to" name="to" type="date" value="${p.toDate ?? localDate(p.to - 1, p.tz)}"></div>
    <div class="field"><label for="r-breakdown">Break down by</label>
      <select id="r-breakdown" name="breakdown">
        <option value="">Nothing</option>
        ${Object.entries(BREAKDOWN_LABELS).map(([k, l]) => html`<option value="${k}"${k === v.breakdown ? html` selected` : ""}>${l}</option>`)}
      </select></div>
    ${p.tz !== "UTC" ? html`<input type="hidden" name="tz" value="${p.tz}">` : ""}
    ${v.filters.map((f) => html`<input type="hidden" name="${f.key}" value="${f.value}">`)}
    <div class="field steps-range-go"><button type="submit" class="primary">Apply</button></div>
  </form>
  <p class="hint steps-range-hint">Dates apply with “${PRESET_LABELS.custom}: the dates”. Times in ${p.tz}.</p>
  ${filterChips(v)}`;
}

export function stepsReportBody(v: ReportView): SafeHtml {
  const r = v.report;
  const rangeText = `${localDate(r.from, v.period.tz)} – ${localDate(r.to - 1, v.period.tz)}`;
  return html`<link rel="stylesheet" href="/assets/steps.css">
    <div class="page-head"><div><h1>Steps</h1>
      <p class="muted">${r.steps.length} steps · ${r.order} order · ${r.window} window · visitors who entered ${rangeText}</p></div>
      <a class="button" href="${base(v)}/settings#steps-settings">Edit steps</a></div>
    ${rangeForm(v)}
    ${card({ body: headline(v), className: "steps-headline" })}
    ${card({ title: "Funnel", id: "funnel-bars", body: r.totals.entered ? bars(v) : emptyState("Nobody entered the funnel in this range", html`Step 1 is <code>${describeStep(v.steps[0])}</code>. Try a longer range, or check the steps.`) })}
    <section class="card" id="drilldown-card"><div id="drilldown" aria-live="polite"><div class="card-body muted">Choose “stopped here” or “who continued” above to list those visitors.</div></div></section>
    ${card({ title: "Step by step", body: detailTable(v) })}
    <link rel="stylesheet" href="/assets/analytics.css">${revenuePlaceholderAt(reportUrl(v, { breakdown: null }).replace(/\/steps\?/, "/panels/revenue?"))}
    ${r.breakdown ? card({ title: `By ${(BREAKDOWN_LABELS[r.breakdownBy ?? ""] ?? "value").toLowerCase()} at entry`, id: "breakdown", body: breakdownTable(v) }) : ""}`;
}

export function noStepsBody(funnelId: string): SafeHtml {
  return html`<div class="page-head"><div><h1>Steps</h1></div></div>
    ${emptyState(
      "No steps yet",
      html`Define 2 to 20 steps (page views or events) to see how many visitors go from each one to the next, where they drop off, and what they pay.`,
      html`<a class="button primary" href="/funnels/${encodeURIComponent(funnelId)}/settings#steps-settings">Define the steps</a>`,
    )}`;
}
