// The drill-down partial: visitors who stopped at a step, or who went on, each with
// where they came from (the visit they entered in), their device and place, when they
// were first seen, and the contact when known.
import type { StepVisitor, StepVisitorsResult } from "../../src/analytics/steps-report";
import { badge, formatCount, formatRevenue, table } from "../components";
import { html, type SafeHtml } from "../html";
import { countryName, flag, formatDateTime } from "../analytics/format";

const STATUS_LABEL: Record<string, string> = {
  stopped: "Stopped here", dropped: "Dropped", in_progress: "In progress", continued: "Continued",
};

const time = (ms: number, tz: string) => html`<time datetime="${new Date(ms).toISOString()}">${formatDateTime(ms, tz)}</time>`;

function who(funnelId: string, v: StepVisitor): SafeHtml {
  const f = `/funnels/${encodeURIComponent(funnelId)}`;
  if (v.contactId !== null) {
    const name = v.contactName && v.email ? html`<br><span class="muted">${v.contactName}</span>` : "";
    return html`<a href="${f}/contacts/${v.contactId}">${v.email ?? v.contactName ?? `Contact #${v.contactId}`}</a>${name}`;
  }
  const anon = v.anonymousId ?? "";
  const label = anon.length > 14 ? `${anon.slice(0, 12)}…` : anon;
  return html`<span class="muted">Anonymous</span> <code title="${anon}">${label}</code>`;
}

function source(v: StepVisitor): SafeHtml {
  const e = v.entry;
  if (!e.channel && !e.source) return html`<span class="muted">—</span>`;
  return html`${e.channel ?? ""}${e.source && e.source !== e.channel ? html`<br><span class="muted">${e.source}</span>` : ""}`;
}

function device(v: StepVisitor): SafeHtml {
  const e = v.entry;
  if (!e.device && !e.browser) return html`<span class="muted">—</span>`;
  const kind = e.device ? e.device.charAt(0).toUpperCase() + e.device.slice(1) : "";
  return html`${kind}${e.browser || e.os ? html`<br><span class="muted">${[e.browser, e.os].filter(Boolean).join(" · ")}</span>` : ""}`;
}

function place(v: StepVisitor): SafeHtml {
  const e = v.entry;
  if (!e.country) return html`<span class="muted">Unknown</span>`;
  return html`${flag(e.country)} ${countryName(e.country)}${e.city ? html`<br><span class="muted">${e.city}</span>` : ""}`;
}

function last(funnelId: string, v: StepVisitor, tz: string): SafeHtml {
  const e = v.lastEvent;
  if (!e) return html`<span class="muted">—</span>`;
  const url = `/funnels/${encodeURIComponent(funnelId)}/sessions/${encodeURIComponent(e.sessionId)}`;
  return html`<code>${e.name}</code>${e.path ? html` <span class="muted">${e.path}</span>` : ""}<br>${time(e.ts, tz)} · <a href="${url}">session</a>`;
}

function statusBadge(v: StepVisitor, tz: string): SafeHtml {
  const steps = html`<br><span class="hint">${v.reached} ${v.reached === 1 ? "step" : "steps"} reached</span>`;
  if (v.status === "completed") return html`${badge("completed", "good")}${steps}`;
  if (v.status === "in_progress") return html`${badge("in progress", "warn")}${steps}<br><span class="hint">window open until ${time(v.deadline, tz)}</span>`;
  if (v.reached > 0 && v.status === "dropped") return html`${badge("dropped", "bad")}${steps}`;
  return html`${badge(v.status)}${steps}`;
}

export function stepVisitorsPartial(funnelId: string, r: StepVisitorsResult, links: Record<string, string>, tz: string): SafeHtml {
  const rows = r.visitors.map((v) => [
    who(funnelId, v), source(v), device(v), place(v), v.entry.firstSeen === null ? html`<span class="muted">—</span>` : time(v.entry.firstSeen, tz),
    statusBadge(v, tz), time(v.reachedAt, tz), last(funnelId, v, tz), Object.keys(v.revenue).length ? formatRevenue(v.revenue) : "—",
  ]);
  return html`<header class="card-head"><h2>${STATUS_LABEL[r.status] ?? r.status} at step ${r.step} · ${r.name} <span class="muted">(${formatCount(r.total)})</span></h2>
      <nav class="card-actions" aria-label="Which visitors">${Object.entries(links).map(
        ([status, url]) => html`<a class="button small${status === r.status ? " primary" : " ghost"}" href="${url}" hx-get="${url}" hx-target="#drilldown" hx-swap="innerHTML"${status === r.status ? html` aria-current="true"` : ""}>${STATUS_LABEL[status]}</a>`,
      )}</nav></header>
    <div class="card-body">
      ${table(
        [
          { label: "Visitor" }, { label: "Source" }, { label: "Device" }, { label: "Country" }, { label: "First seen" }, { label: "Status" },
          { label: `Reached step ${r.step}` }, { label: "Last event" }, { label: "Revenue", numeric: true },
        ],
        rows,
        { empty: "Nobody here for this range." },
      )}
      <p class="hint">Source, device and country of the visit they entered the funnel in. Times in ${tz}.</p>
      ${r.total > r.visitors.length ? html`<p class="hint">Showing the ${formatCount(r.visitors.length)} most recent of ${formatCount(r.total)}. The API lists up to 1,000: <code>GET /api/v1/funnels/${funnelId}/report/visitors</code>.</p>` : ""}
    </div>`;
}
