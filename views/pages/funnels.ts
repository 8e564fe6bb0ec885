// /funnels: every funnel as a card, the "Register funnel" dialog, and the funnel switcher menu.
import type { FunnelCardStats } from "../../src/store/dashboard-views";
import { badge, emptyState, formatCount, formatRevenue, stat } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";
import { sparkline } from "../sparkline";

export interface FunnelCardView {
  id: string;
  name: string;
  url: string;
  receiving: boolean;
  stats: FunnelCardStats;
}

function funnelCard(f: FunnelCardView): SafeHtml {
  const href = `/funnels/${encodeURIComponent(f.id)}`;
  return html`<article class="card funnel-card">
    <div class="card-body">
      <div>
        <h2><a href="${href}">${f.name}</a></h2>
        <span class="funnel-url" title="${f.url}">${f.url}</span>
      </div>
      ${sparkline(f.stats.daily, `Visitors per day, last 7 days: ${f.stats.daily.join(", ")}`)}
      <div class="funnel-stats">
        ${stat("Visitors", formatCount(f.stats.visitors))}
        ${stat("Conversions", formatCount(f.stats.conversions))}
        ${stat("Revenue", formatRevenue(f.stats.revenue))}
      </div>
      <div class="card-foot">
        <span>Last 7 days</span>
        ${f.receiving ? badge("Receiving events", "good") : html`<a href="${href}/settings#install">${badge("Waiting for first event", "warn")}</a>`}
      </div>
    </div>
  </article>`;
}

export function funnelsPage(opts: { user: LayoutUser; csrfToken: string; funnels: FunnelCardView[]; canEdit: boolean; registerForm: SafeHtml }) {
  const register = opts.canEdit
    ? html`<a class="button primary" href="/funnels/new" data-open-dialog="#register-dialog">Register funnel</a>`
    : "";
  const body = opts.funnels.length
    ? html`<div class="grid">${opts.funnels.map(funnelCard)}</div>`
    : !opts.canEdit
      ? emptyState("No funnels shared with you yet", html`<p>Your account can view funnels an owner gives you access to. Ask an owner to add you to a funnel in Settings → Users.</p>`)
      : emptyState(
        "No funnels yet",
        html`<p>Register the site or app you want to measure. You will get a script tag to paste into its pages, and keys for server-side conversions.</p>`,
        register || undefined,
      );
  return page({
    title: "Funnels",
    user: opts.user,
    csrfToken: opts.csrfToken,
    active: "funnels",
    body: html`<div class="page-head">
        <div><h1>Funnels</h1><p class="muted">Visitors, conversions and revenue over the last 7 days.</p></div>
        ${opts.funnels.length ? register : ""}
      </div>
      ${body}
      ${opts.canEdit ? registerDialog(opts.registerForm) : ""}`,
  });
}

export function registerDialog(content: SafeHtml): SafeHtml {
  return html`<dialog id="register-dialog" aria-labelledby="register-title">
    <div class="dialog-head">
      <h2 id="register-title">Register a funnel</h2>
      <button type="button" class="small ghost" data-close-dialog aria-label="Close">Close</button>
    </div>
    <div class="dialog-body" id="register-panel">${content}</div>
  </dialog>`;
}

/** The funnel switcher's list (loaded when the switcher opens). */
export function funnelMenu(funnels: { id: string; name: string }[], current: string | undefined): SafeHtml {
  return html`${funnels.map(
      (f) => html`<a href="/funnels/${encodeURIComponent(f.id)}"${f.id === current ? html` aria-current="true"` : ""}>${f.name}</a>`,
    )}
    <a href="/funnels">All funnels</a>`;
}
