// /funnels/:id/sessions (visits of the range and filters) and one visit's events in order.
import type { EventView, SessionPage, SessionRow } from "../../src/store/dashboard-views";
import type { Period } from "../../src/analytics/period";
import { formatRevenue } from "../components";
import { html, type SafeHtml } from "../html";
import { countryName, flag, formatClock, formatCount, formatDateTime, formatDuration } from "./format";
import { funnelBase, subUrl, type ViewState } from "./links";
import { analyticsAssets } from "./page";
import { toolbar } from "./toolbar";

const sessionsTarget = (state: ViewState, change: Parameters<typeof subUrl>[2]) => subUrl(state, "/sessions", change);

export function sourceOf(s: Pick<SessionRow, "utm_source" | "referrerHost" | "channel">): string {
  return s.utm_source ?? s.referrerHost ?? s.channel ?? "Direct";
}

export function sessionsBody(state: ViewState, period: Period, page: SessionPage, cursor: string | null): SafeHtml {
  const base = funnelBase(state.funnelId);
  const rows = page.sessions.map(
    (s) => html`<tr>
      <td><a href="${base}/sessions/${encodeURIComponent(s.id)}">${formatDateTime(s.startedAt, period.tz)}</a></td>
      <td class="path">${s.entryPath ?? "—"}</td>
      <td>${sourceOf(s)}<div class="muted small">${s.channel ?? ""}${s.utm_campaign ? html` · ${s.utm_campaign}` : ""}</div></td>
      <td>${s.device ?? ""}<div class="muted small">${[s.browser, s.os].filter(Boolean).join(" · ")}</div></td>
      <td>${flag(s.country)} ${s.country ? countryName(s.country) : "Unknown"}</td>
      <td class="num">${formatCount(s.events)}</td>
      <td class="num">${formatDuration(s.durationSeconds)}</td>
      <td>${s.converted ? html`<span class="badge good">converted</span>` : html`<span class="muted">—</span>`}</td>
      <td class="num">${formatRevenue(s.revenue)}</td>
      <td>${s.contactId !== null ? html`<a href="${base}/contacts/${s.contactId}">${s.contactName ?? s.contactEmail ?? "contact"}</a>` : html`<span class="muted">anonymous</span>`}</td>
    </tr>`,
  );
  const table = page.sessions.length
    ? html`<div class="table-wrap"><table class="list">
        <thead><tr><th scope="col">Started</th><th scope="col">Landing page</th><th scope="col">Source</th><th scope="col">Device</th>
          <th scope="col">Country</th><th scope="col" class="num">Events</th><th scope="col" class="num">Duration</th><th scope="col">Converted</th>
          <th scope="col" class="num">Revenue</th><th scope="col">Who</th></tr></thead>
        <tbody>${rows}</tbody></table></div>`
    : html`<p class="muted">No sessions in this range${state.filters.length ? " with these filters" : ""}.</p>`;
  const pager = html`<nav class="pager">
    ${cursor ? html`<a href="${sessionsTarget(state, {})}">Newest</a>` : ""}
    ${page.next ? html`<a href="${sessionsTarget(state, { extra: { before: page.next } })}" rel="next">Older sessions →</a>` : ""}
  </nav>`;
  return html`${analyticsAssets()}<div id="analytics" class="analytics" data-tz="${period.tz}">
    <div class="page-head"><h1>Sessions</h1></div>
    ${toolbar(state, period, sessionsTarget, "/sessions")}
    <section class="card"><div class="card-body">${table}${pager}</div></section>
  </div>`;
}

export function eventDetails(e: EventView): SafeHtml {
  const bits: SafeHtml[] = [];
  if (e.revenue) bits.push(html`<span class="badge ${e.verified ? "good" : "warn"}">${formatRevenue({ [e.revenue.currency]: e.revenue.amount })} ${e.verified ? "verified" : "unverified"}</span>`);
  if (e.title && e.type === "page_view") bits.push(html`<span class="muted">${e.title}</span>`);
  if (e.referrer && e.referrerHost) bits.push(html`<span class="muted">from ${e.referrer}</span>`);
  if (e.props) bits.push(html`<code class="props">${Object.entries(e.props).map(([k, v]) => `${k}=${String(v)}`).join("  ")}</code>`);
  return html`${bits.map((b, i) => html`${i ? " " : ""}${b}`)}`;
}

export function sessionDetail(funnelId: string, s: SessionRow, events: EventView[], tz: string): SafeHtml {
  const base = funnelBase(funnelId);
  const facts: [string, SafeHtml | string][] = [
    ["Started", formatDateTime(s.startedAt, tz)],
    ["Duration", formatDuration(s.durationSeconds)],
    ["Who", s.contactId !== null ? html`<a href="${base}/contacts/${s.contactId}">${s.contactName ?? s.contactEmail ?? "contact"}</a>` : html`visitor <code>${s.anonymousId}</code>`],
    ["Source", html`${sourceOf(s)} <span class="muted">(${s.channel ?? "unknown"})</span>`],
    ["Campaign", [s.utm_campaign, s.utm_medium, s.utm_content, s.utm_term].filter(Boolean).join(" · ") || "—"],
    ["Device", [s.device, s.browser, s.os].filter(Boolean).join(" · ") || "—"],
    ["Location", html`${flag(s.country)} ${[s.city, s.region, s.country ? countryName(s.country) : null].filter(Boolean).join(", ") || "Unknown"}`],
    ["Pages", `${s.pageviews} (landing ${s.entryPath ?? "—"}, exit ${s.exitPath ?? "—"})`],
    ["Conversions", s.conversions ? `${s.conversions} · ${formatRevenue(s.revenue)}` : "none"],
  ];
  const rows = events.map(
    (e) => html`<tr class="type-${e.type}">
      <td><time datetime="${new Date(e.ts).toISOString()}">${formatClock(e.ts, tz)}</time></td>
      <td><span class="event-name">${e.name}</span> <span class="muted small">${e.type}</span></td>
      <td class="path">${e.path ?? ""}</td>
      <td>${eventDetails(e)}</td>
    </tr>`,
  );
  return html`${analyticsAssets()}<div class="page-head"><div><h1>Session</h1><p class="muted"><code>${s.id}</code></p></div>
      <a class="button small" href="${base}/sessions">All sessions</a></div>
    <section class="card"><div class="card-body"><dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl></div></section>
    <section class="card"><header class="card-head"><h2>Events in order</h2><span class="muted small">${formatCount(events.length)} events</span></header>
      <div class="card-body"><div class="table-wrap"><table class="list">
        <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Page</th><th scope="col">Details</th></tr></thead>
        <tbody>${rows}</tbody></table></div></div></section>`;
}
