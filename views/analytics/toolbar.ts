// The top of the analytics pages: date range, active filters as removable chips, export.
import { DIMENSIONS } from "../../src/analytics/dimensions";
import { PRESET_LABELS, PRESETS, type Period } from "../../src/analytics/period";
import { html, type SafeHtml } from "../html";
import { stateLink } from "./filter-link";
import { formatLongDay } from "./format";
import { funnelBase, pageUrl, stateQuery, subUrl, withoutFilter, type ViewState } from "./links";
import { valueLabel } from "./format";

/** Where range and filter links lead: the analytics page, or a sub-page such as /sessions. */
type Target = (state: ViewState, change: Parameters<typeof pageUrl>[1]) => string;

export function periodText(period: Period): string {
  if (period.preset !== "custom") return PRESET_LABELS[period.preset];
  const last = period.to - 1;
  return `${formatLongDay(period.from, period.tz)} – ${formatLongDay(last, period.tz)}`;
}

export function rangePicker(state: ViewState, period: Period, target: Target, path = ""): SafeHtml {
  const presets = PRESETS.filter((p) => p !== "custom");
  return html`<div class="range-picker">
    <details class="range-menu">
      <summary><span class="visually-hidden">Date range: </span>${periodText(period)}</summary>
      <div class="range-options">
        ${presets.map((p) => stateLink(target(state, { preset: p }), PRESET_LABELS[p], { current: p === state.preset }))}
        <form class="range-custom" method="get" action="${funnelBase(state.funnelId) + path}"
          hx-get="${funnelBase(state.funnelId) + path}" hx-target="#analytics" hx-select="#analytics" hx-swap="outerHTML" hx-push-url="true">
          <input type="hidden" name="range" value="custom">
          ${state.filters.map((f) => html`<input type="hidden" name="${f.key}" value="${f.value}">`)}
          ${state.metric !== "visitors" ? html`<input type="hidden" name="metric" value="${state.metric}">` : ""}
          ${state.tzParam ? html`<input type="hidden" name="tz" value="${state.tzParam}">` : ""}
          <label>From <input type="date" name="from" required value="${state.fromDate ?? ""}"></label>
          <label>To <input type="date" name="to" required value="${state.toDate ?? ""}"></label>
          <button type="submit" class="small">Apply</button>
        </form>
      </div>
    </details>
    <span class="range-tz muted" title="Times are shown in this time zone">${period.tz}</span>
  </div>`;
}

export function filterChips(state: ViewState, target: Target): SafeHtml {
  if (!state.filters.length) return html``;
  return html`<div class="chips" aria-label="Active filters">
    ${state.filters.map((f) => {
      const dim = DIMENSIONS[f.key];
      const label = html`<span class="chip-key">${dim.label}</span> <span class="chip-value">${valueLabel(f.key, f.value)}</span> <span class="chip-x" aria-hidden="true">×</span>`;
      return stateLink(target(state, { filters: withoutFilter(state.filters, f.key) }), label, { className: "chip", title: `Remove filter: ${dim.label}` });
    })}
    ${state.filters.length > 1 ? stateLink(target(state, { filters: [] }), "Clear all", { className: "chip-clear" }) : ""}
  </div>`;
}

export function exportMenu(state: ViewState): SafeHtml {
  const link = (kind: string) => html`<a href="${subUrl(state, `/export/${kind}.csv`)}" download>${kind}</a>`;
  return html`<div class="export-links"><span class="muted">Export CSV:</span> ${link("events")} ${link("sessions")} ${link("contacts")}</div>`;
}

export function toolbar(state: ViewState, period: Period, target: Target, path = ""): SafeHtml {
  return html`<div class="toolbar">
    ${rangePicker(state, period, target, path)}
    ${exportMenu(state)}
  </div>
  ${filterChips(state, target)}`;
}

export { stateQuery };
