// The live timeline: rows for the newest events; the page's script opens a stream
// (Server-Sent Events, /live/stream) from the cursor of the last row it has, and puts
// new rows on top as they are pushed.
import type { LiveEvent } from "../../src/store/dashboard-views";
import { html, type SafeHtml } from "../html";
import { formatRevenue } from "../components";
import { countryName, flag, formatWhen } from "./format";
import { funnelBase, subUrl, type ViewState } from "./links";

export function liveRows(funnelId: string, events: LiveEvent[], tz: string, now: number, fresh = false): SafeHtml {
  const base = funnelBase(funnelId);
  return html`${events.map((e) => {
    const who = e.contactId !== null
      ? html`<a href="${base}/contacts/${e.contactId}">${e.contactName ?? e.contactEmail ?? `contact ${e.contactId}`}</a>`
      : html`<span class="visitor" title="${e.anonymousId}">visitor …${e.anonymousId.slice(-6)}</span>`;
    const device = [e.browser, e.os, e.device].filter(Boolean).join(" · ");
    const revenue = e.revenue
      ? html` <span class="badge ${e.verified ? "good" : "warn"}" title="${e.verified ? "verified" : "unverified"}">${formatRevenue({ [e.revenue.currency]: e.revenue.amount })}</span>`
      : "";
    return html`<li class="live-row${fresh ? " fresh" : ""}" data-row-id="${e.rowId}">
      <time datetime="${new Date(e.ts).toISOString()}">${formatWhen(e.ts, tz, now)}</time>
      <span class="live-event type-${e.type}"><a href="${base}/sessions/${encodeURIComponent(e.sessionId)}">${e.name}</a>${revenue}</span>
      <span class="live-page" title="${e.url ?? ""}">${e.path ?? ""}</span>
      <span class="live-who">${who}</span>
      <span class="live-device">${device}</span>
      <span class="live-geo" title="${e.country ?? ""}">${flag(e.country)} ${e.city ?? (e.country ? countryName(e.country) : "")}</span>
    </li>`;
  })}`;
}

export function cursorInput(cursor: number, oob = false): SafeHtml {
  return html`<input type="hidden" id="live-cursor" name="after" value="${cursor}"${oob ? html` hx-swap-oob="true"` : ""}>`;
}

/** The live view's own setting: automatic events (scroll depth, section views, …) are hidden unless asked for. */
export function liveExtra(showAuto: boolean): Record<string, string> {
  return showAuto ? { auto: "show" } : {};
}

/** The tab's event stream, starting after the cursor the page was drawn with. */
export function streamUrl(state: ViewState, cursor: number, showAuto = false): string {
  const url = subUrl(state, "/live/stream", { extra: liveExtra(showAuto) });
  return `${url}${url.includes("?") ? "&" : "?"}after=${cursor}`;
}

export function liveCard(state: ViewState, events: LiveEvent[], cursor: number, tz: string, now: number, showAuto = false): SafeHtml {
  const toggle = subUrl(state, "/live", { extra: { card: "1", ...liveExtra(!showAuto) } });
  return html`<section class="card live" id="live" aria-labelledby="live-title">
    <header class="card-head"><h2 id="live-title"><span class="live-dot" aria-hidden="true"></span> Live events</h2>
      <span class="muted small"><span id="live-status">Live</span>${state.filters.length ? ", filtered" : ""}${showAuto ? "" : ", automatic events hidden"}</span>
      <button type="button" class="link small live-auto" hx-get="${toggle}" hx-target="#live" hx-swap="outerHTML" aria-pressed="${showAuto ? "true" : "false"}"
        title="Automatic events: scroll_depth, section_view, form_submit, outbound_click">${showAuto ? "Hide automatic events" : "Show automatic events"}</button></header>
    <div class="card-body">
      ${cursorInput(cursor)}
      <div id="live-stream" data-live-stream="${streamUrl(state, cursor, showAuto)}" hidden></div>
      <p class="alert warn live-reload" hidden>The live view fell behind. <a href="">Reload the page</a> to catch up.</p>
      <ol id="live-list" class="live-list" aria-live="polite">${liveRows(state.funnelId, events, tz, now)}</ol>
      ${events.length ? "" : html`<p class="muted live-waiting">Waiting for events… they appear here as they arrive.</p>`}
    </div>
  </section>`;
}
