// One custom event opened: its property values, most common first.
import type { EventPropsResult } from "../../src/store/dashboard-views";
import { html, type SafeHtml } from "../html";
import { formatCount, formatPercent } from "./format";

export function eventPropsView(r: EventPropsResult): SafeHtml {
  const sampled = r.sample < r.total;
  const head = html`<div class="event-props-head"><h3>${r.name} <span class="muted small">${formatCount(r.total)} in this range${
    sampled ? `; values of the latest ${formatCount(r.sample)}` : ""}</span></h3>
    <button type="button" class="link small" data-clear="#event-props">Close</button></div>`;
  if (!r.props.length) return html`${head}<p class="muted">This event carries no properties.</p>`;
  return html`${head}<div class="props-grid">${r.props.map(
    (p) => html`<div class="prop">
      <h4>${p.key} <span class="muted small">${formatCount(p.distinct)} value${p.distinct === 1 ? "" : "s"}</span></h4>
      <table class="breakdown compact"><tbody>${p.values.map(
        (v) => html`<tr><th scope="row" class="label">${v.value === "" ? html`<span class="muted">(empty)</span>` : v.value}</th>
          <td class="num">${formatCount(v.count)}</td><td class="num muted">${formatPercent(r.sample ? v.count / r.sample : 0)}</td></tr>`,
      )}</tbody></table>
    </div>`,
  )}</div>`;
}
