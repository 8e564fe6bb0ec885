// The "right now" card: who is on the site in the last five minutes, on which pages,
// from where, and the latest sales; refreshed by the live stream.
import type { LiveNow } from "../../src/store/dashboard-views";
import { formatRevenue } from "../components";
import { html, type SafeHtml } from "../html";
import { formatClock } from "./format";

export function nowBody(n: LiveNow, tz: string): SafeHtml {
  const list = (rows: { label: string; n: number }[], empty: string) =>
    rows.length ? html`<ul class="now-list">${rows.map((r) => html`<li><span>${r.label}</span> <strong>${r.n}</strong></li>`)}</ul>` : html`<p class="muted small">${empty}</p>`;
  return html`<div class="now-count"><strong id="now-visitors">${n.visitors}</strong> visitor${n.visitors === 1 ? "" : "s"} in the last 5 minutes</div>
    <div class="now-grid">
      <div><h3 class="small muted">Pages</h3>${list(n.pages.map((p) => ({ label: p.path, n: p.visitors })), "—")}</div>
      <div><h3 class="small muted">Sources</h3>${list(n.sources.map((s) => ({ label: s.source, n: s.visitors })), "—")}</div>
      <div><h3 class="small muted">Latest sales</h3>${
        n.sales.length
          ? html`<ul class="now-list now-sales">${n.sales.map(
              (s) => html`<li><time>${formatClock(s.ts, tz)}</time> ${s.name} <span class="badge ${s.verified ? "good" : "warn"}">${formatRevenue({ [s.currency]: s.amount })}</span></li>`,
            )}</ul>`
          : html`<p class="muted small">No sales in the last 24 hours.</p>`
      }</div>
    </div>`;
}

export function nowCard(n: LiveNow, tz: string): SafeHtml {
  return html`<section class="card now" id="now" aria-labelledby="now-title">
    <header class="card-head"><h2 id="now-title"><span class="live-dot" aria-hidden="true"></span> Right now</h2></header>
    <div class="card-body" id="now-body" aria-live="polite">${nowBody(n, tz)}</div>
  </section>`;
}
