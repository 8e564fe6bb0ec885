// The drill-down partial: visitors who stopped at a step, or who went on.
import type { StepVisitor, StepVisitorsResult } from "../../src/analytics/steps-report";
import { badge, formatCount, formatRevenue, table } from "../components";
import { html, type SafeHtml } from "../html";
import { isoTime } from "./format";

const STATUS_LABEL: Record<string, string> = {
  stopped: "Stopped here", dropped: "Dropped", in_progress: "In progress", continued: "Continued",
};

const time = (ms: number) => html`<time datetime="${isoTime(ms)}" data-local>${isoTime(ms).slice(0, 16).replace("T", " ")} UTC</time>`;

function who(funnelId: string, v: StepVisitor): SafeHtml {
  const f = `/funnels/${encodeURIComponent(funnelId)}`;
  if (v.contactId !== null) {
    return html`<a href="${f}/contacts/${v.contactId}">${v.email ?? v.contactName ?? `Contact #${v.contactId}`}</a>`;
  }
  const anon = v.anonymousId ?? "";
  const label = anon.length > 14 ? `${anon.slice(0, 12)}…` : anon;
  return html`<span class="muted">Visitor</span> <code title="${anon}">${label}</code>`;
}

function last(funnelId: string, v: StepVisitor): SafeHtml {
  const e = v.lastEvent;
  if (!e) return html`<span class="muted">—</span>`;
  const url = `/funnels/${encodeURIComponent(funnelId)}/sessions/${encodeURIComponent(e.sessionId)}`;
  return html`<code>${e.name}</code>${e.path ? html` <span class="muted">${e.path}</span>` : ""}<br>${time(e.ts)} · <a href="${url}">session</a>`;
}

function statusBadge(v: StepVisitor): SafeHtml {
  if (v.status === "completed") return badge("completed", "good");
  if (v.status === "in_progress") return html`${badge("in progress", "warn")}<br><span class="hint">window open until ${time(v.deadline)}</span>`;
  if (v.reached > 0 && v.status === "dropped") return badge("dropped", "bad");
  return badge(v.status);
}

export function stepVisitorsPartial(funnelId: string, r: StepVisitorsResult, links: Record<string, string>): SafeHtml {
  const rows = r.visitors.map((v) => [who(funnelId, v), statusBadge(v), html`${v.reached}`, time(v.reachedAt), last(funnelId, v), formatRevenue(v.revenue)]);
  return html`<header class="card-head"><h2>${STATUS_LABEL[r.status] ?? r.status} at step ${r.step} · ${r.name} <span class="muted">(${formatCount(r.total)})</span></h2>
      <nav class="card-actions" aria-label="Which visitors">${Object.entries(links).map(
        ([status, url]) => html`<a class="button small${status === r.status ? " primary" : " ghost"}" href="${url}" hx-get="${url}" hx-target="#drilldown" hx-swap="innerHTML"${status === r.status ? html` aria-current="true"` : ""}>${STATUS_LABEL[status]}</a>`,
      )}</nav></header>
    <div class="card-body">
      ${table(
        [{ label: "Visitor" }, { label: "Status" }, { label: "Steps reached", numeric: true }, { label: `Reached step ${r.step}` }, { label: "Last event" }, { label: "Revenue", numeric: true }],
        rows,
        { empty: "Nobody here for this range." },
      )}
      ${r.total > r.visitors.length ? html`<p class="hint">Showing the ${formatCount(r.visitors.length)} most recent of ${formatCount(r.total)}. The API lists up to 1,000: <code>GET /api/v1/funnels/${funnelId}/report/visitors</code>.</p>` : ""}
    </div>`;
}
