// The time-series chart: server-rendered SVG (the CSP allows no inline script), one
// hover target per bucket whose <title> the browser shows as a tooltip.
import type { Period } from "../../src/analytics/period";
import { SERIES_METRICS, type SeriesMetric } from "../../src/analytics/series";
import type { Series } from "../../src/store/dashboard-views";
import { html, trusted, type SafeHtml } from "../html";
import { localParts } from "../../src/analytics/timezone";
import { formatCount, formatDay, formatHour, formatLongDay, formatMoney } from "./format";
import { pageUrl, subUrl, type ViewState } from "./links";

export const METRIC_LABELS: Record<SeriesMetric, string> = {
  visitors: "Visitors",
  pageviews: "Page views",
  conversions: "Conversions",
  revenue: "Revenue",
};

const W = 1000;
const H = 240;
const PAD_TOP = 8;

/** 0, or the smallest 1/2/5 × 10^k at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 0;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Labels the x axis holds on a desktop (fewer when they carry the day too); phones show every other one. */
const MAX_LABELS = 12;
const MAX_LONG_LABELS = 8;

/**
 * Which buckets carry an x-axis label: every one while they fit, else every 2, 3, 4, 6
 * or 12 hours on the clock (so 00:00, 02:00, 04:00…), or every k-th day. Regular, so no
 * hour goes missing between two labelled ones.
 */
export function labelledBuckets(series: Pick<Series, "bucket" | "points">, tz: string): boolean[] {
  const n = series.points.length;
  if (series.bucket === "day") {
    const step = Math.ceil(n / MAX_LABELS);
    return series.points.map((_, i) => i % step === 0);
  }
  const max = n > 24 ? MAX_LONG_LABELS : MAX_LABELS;
  const step = [1, 2, 3, 4, 6, 12, 24].find((s) => Math.ceil(n / s) <= max) ?? 24;
  return series.points.map((p) => localParts(p.at, tz).hour % step === 0);
}

function valueText(series: Series, v: number): string {
  if (series.metric === "revenue" && series.currency) return formatMoney(v, series.currency);
  return Number.isInteger(v) ? formatCount(v) : v.toFixed(1);
}

function bucketText(series: Series, at: number, tz: string, withDay: boolean): string {
  if (series.bucket === "day") return formatLongDay(at, tz);
  return withDay ? `${formatDay(at, tz)} ${formatHour(at, tz)}` : formatHour(at, tz);
}

function plot(series: Series, tz: string): SafeHtml {
  const pts = series.points;
  const max = niceMax(Math.max(0, ...pts.map((p) => p.value)));
  const n = pts.length;
  const x = (i: number) => (n === 1 ? W / 2 : (i / (n - 1)) * W);
  const y = (v: number) => (max ? H - (v / max) * (H - PAD_TOP) : H);
  const line = pts.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  const step = n > 1 ? W / (n - 1) : W;
  const twoDays = series.bucket === "hour" && n > 24;
  // Only numbers we computed go into this markup; labels go through html``.
  const shapes = trusted(
    [0.25, 0.5, 0.75, 1].map((g) => `<line class="grid" x1="0" x2="${W}" y1="${y(max * g).toFixed(1)}" y2="${y(max * g).toFixed(1)}"/>`).join("") +
      `<polygon class="area" points="0,${H} ${line} ${W},${H}"/><polyline class="line" points="${line}"/>`,
  );
  const hits = pts.map((p, i) => {
    const x0 = Math.max(0, x(i) - step / 2);
    const w = Math.min(W, x(i) + step / 2) - x0;
    return html`<rect class="hit" x="${x0.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="${H}"><title>${bucketText(series, p.at, tz, twoDays)}: ${valueText(series, p.value)} ${METRIC_LABELS[series.metric].toLowerCase()}</title></rect>`;
  });
  const short = (at: number) => (series.bucket === "day" ? formatDay(at, tz) : twoDays ? `${formatDay(at, tz)} ${formatHour(at, tz)}` : formatHour(at, tz));
  const labelled = labelledBuckets(series, tz);
  const shown = labelled.filter(Boolean).length;
  let ordinal = 0;
  // One zero-width slot per bucket, spaced like the points; a label sits centred on its point.
  const slots = pts.map((p, i) => {
    if (!labelled[i]) return html`<span></span>`;
    const minor = shown > 5 && ordinal++ % 2 === 1;
    return html`<span><span${minor ? html` class="minor"` : ""}>${short(p.at)}</span></span>`;
  });
  return html`<div class="chart-plot">
    <div class="chart-y" aria-hidden="true"><span>${valueText(series, max)}</span><span>${
      series.metric === "revenue" || Number.isInteger(max / 2) ? valueText(series, max / 2) : ""}</span><span>0</span></div>
    <svg class="chart-svg" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${METRIC_LABELS[series.metric]} per ${series.bucket}">
      ${shapes}${hits}
    </svg>
    <div class="chart-x${n === 1 ? " single" : ""}" aria-hidden="true">${slots}</div>
  </div>`;
}

export function chartCard(state: ViewState, series: Series, period: Period): SafeHtml {
  const total = series.points.reduce((a, p) => a + p.value, 0);
  const tabs = SERIES_METRICS.map((m) => {
    const partial = subUrl(state, "/panels/chart", { extra: { metric: m } });
    return html`<a href="${pageUrl(state, { metric: m })}" hx-get="${partial}" hx-target="#chart" hx-swap="outerHTML" hx-push-url="${pageUrl(state, { metric: m })}"
      role="tab" aria-selected="${m === series.metric ? "true" : "false"}"${m === series.metric ? html` class="current"` : ""}>${METRIC_LABELS[m]}</a>`;
  });
  const body = total
    ? plot(series, period.tz)
    : html`<p class="chart-empty muted">No ${METRIC_LABELS[series.metric].toLowerCase()} in this range yet.</p>`;
  const note =
    series.metric === "revenue" && series.otherCurrencies.length
      ? html`<p class="hint">Shown in ${series.currency}; also earned in ${series.otherCurrencies.join(", ")} (see the revenue card).</p>`
      : "";
  return html`<section class="card chart-card" id="chart">
    <header class="card-head"><h2>${METRIC_LABELS[series.metric]} <span class="muted small">per ${series.bucket}</span></h2>
      <nav class="metric-tabs" role="tablist" aria-label="Chart metric">${tabs}</nav></header>
    <div class="card-body">${body}${note}</div>
  </section>`;
}
