// /funnels/:id/contacts and one contact's journey across visits, including what they
// did before they identified.
import type { ContactRow, Journey } from "../../src/store/dashboard-views";
import type { Period } from "../../src/analytics/period";
import { formatRevenue } from "../components";
import { html, type SafeHtml } from "../html";
import { countryName, formatClock, formatCount, formatDateTime, formatDuration, formatLongDay } from "./format";
import { funnelBase, subUrl, type ViewState } from "./links";
import { analyticsAssets } from "./page";
import { eventDetails, sourceOf } from "./sessions";
import { toolbar } from "./toolbar";

const contactsTarget = (state: ViewState, change: Parameters<typeof subUrl>[2]) => subUrl(state, "/contacts", change);

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;

export function contactName(c: Pick<ContactRow, "name" | "email" | "userId" | "id">): string {
  return c.name ?? c.email ?? c.userId ?? `Contact ${c.id}`;
}

export function contactsBody(state: ViewState, period: Period, contacts: ContactRow[], next: string | null, cursor: string | null): SafeHtml {
  const base = funnelBase(state.funnelId);
  const rows = contacts.map(
    (c) => html`<tr>
      <td><a href="${base}/contacts/${c.id}">${contactName(c)}</a>${c.name && c.email ? html`<div class="muted small">${c.email}</div>` : ""}</td>
      <td>${c.firstSource ?? "—"}<div class="muted small">${c.firstChannel ?? ""}</div></td>
      <td class="num">${formatCount(c.sessions)}</td>
      <td class="num">${formatCount(c.conversions)}</td>
      <td class="num">${formatRevenue(c.revenue)}</td>
      <td>${formatDateTime(c.lastSeen, period.tz)}</td>
    </tr>`,
  );
  const table = contacts.length
    ? html`<div class="table-wrap"><table class="list">
        <thead><tr><th scope="col">Contact</th><th scope="col">First touch</th><th scope="col" class="num">Sessions</th>
          <th scope="col" class="num">Conversions</th><th scope="col" class="num">Revenue</th><th scope="col">Last seen</th></tr></thead>
        <tbody>${rows}</tbody></table></div>`
    : html`<div class="empty-inline"><p class="muted">No known contacts in this range${state.filters.length ? " with these filters" : ""}.</p>
        <p class="hint">A visitor becomes a contact when your page calls <code>aurea.identify("ada@example.com")</code>, or when a
        conversion carries <code>traits.email</code>. Everything they did before, on every device they identified on, joins their journey.</p></div>`;
  const pager = html`<nav class="pager">
    ${cursor ? html`<a href="${contactsTarget(state, {})}">Most recent</a>` : ""}
    ${next ? html`<a href="${contactsTarget(state, { extra: { before: next } })}" rel="next">Older contacts →</a>` : ""}
  </nav>`;
  return html`${analyticsAssets()}<div id="analytics" class="analytics" data-tz="${period.tz}">
    <div class="page-head"><h1>Contacts</h1></div>
    ${toolbar(state, period, contactsTarget, "/contacts")}
    <section class="card"><div class="card-body">${table}${pager}</div></section>
  </div>`;
}

export function contactDetail(
  funnelId: string,
  c: ContactRow & { visitorIds: string[]; identifiedAt: number | null },
  journey: Journey,
  tz: string,
): SafeHtml {
  const base = funnelBase(funnelId);
  const traits = Object.entries(c.traits).filter(([k]) => k !== "email" && k !== "name");
  const facts: [string, SafeHtml | string][] = [
    ["Email", c.email ?? "—"],
    ["User id", c.userId ?? "—"],
    ["First seen", formatDateTime(c.firstSeen, tz)],
    ["Identified", c.identifiedAt ? formatDateTime(c.identifiedAt, tz) : "—"],
    ["Last seen", formatDateTime(c.lastSeen, tz)],
    ["First touch", c.firstSource ? `${c.firstSource}${c.firstChannel ? ` (${c.firstChannel})` : ""}` : (c.firstChannel ?? "—")],
    ["Sessions", formatCount(c.sessions)],
    ["Conversions", `${formatCount(c.conversions)} · ${formatRevenue(c.revenue)}`],
    ["Visitor ids", html`${c.visitorIds.map((v, i) => html`${i ? ", " : ""}<code>${v}</code>`)}`],
  ];
  const eventsBySession = new Map<string, typeof journey.events>();
  for (const e of journey.events) {
    const list = eventsBySession.get(e.sessionId);
    if (list) list.push(e);
    else eventsBySession.set(e.sessionId, [e]);
  }
  let marked = false;
  const sessions = journey.sessions.filter((s) => eventsBySession.has(s.id)).map((s) => {
    const events = eventsBySession.get(s.id)!;
    const rows = events.map((e) => {
      const marker = !marked && c.identifiedAt !== null && e.ts >= c.identifiedAt;
      if (marker) marked = true;
      return html`${marker ? html`<li class="journey-marker">Identified as ${contactName(c)}: everything above happened before</li>` : ""}
        <li class="journey-event type-${e.type}"><time datetime="${new Date(e.ts).toISOString()}">${formatClock(e.ts, tz)}</time>
          <span class="event-name">${e.name}</span> <span class="path">${e.path ?? ""}</span> ${eventDetails(e)}</li>`;
    });
    return html`<section class="journey-visit">
      <h3><a href="${base}/sessions/${encodeURIComponent(s.id)}">${formatLongDay(s.startedAt, tz)}</a>
        <span class="muted small">${[sourceOf(s), s.device, s.browser, s.city ?? (s.country ? countryName(s.country) : null), formatDuration(s.durationSeconds)].filter(Boolean).join(" · ")}</span></h3>
      <ol class="journey-events">${rows}</ol>
    </section>`;
  });
  return html`${analyticsAssets()}<div class="page-head"><div><h1>${contactName(c)}</h1>${c.name && c.email ? html`<p class="muted">${c.email}</p>` : ""}</div>
      <a class="button small" href="${base}/contacts">All contacts</a></div>
    <section class="card"><div class="card-body"><dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
      ${traits.length ? html`<h3>Traits</h3><dl class="facts traits">${traits.map(([k, v]) => html`<div><dt>${k}</dt><dd>${typeof v === "object" ? JSON.stringify(v) : String(v)}</dd></div>`)}</dl>` : ""}
    </div></section>
    <section class="card"><header class="card-head"><h2>Journey</h2><span class="muted small">${plural(journey.sessions.length, "session")}, ${plural(journey.events.length, "event")}${journey.truncated ? "+" : ""}</span></header>
      <div class="card-body journey">${sessions.length ? sessions : html`<p class="muted">No events recorded.</p>`}
      ${journey.truncated ? html`<p class="hint">Showing the first ${formatCount(journey.events.length)} events; export CSV for everything.</p>` : ""}</div></section>`;
}
