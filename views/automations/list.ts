// /funnels/:id/automations: the funnel's rules, their status and delivery counts,
// and the small "failed deliveries" badge the funnel page loads.
import { describeTrigger } from "../../src/automations/describe";
import type { RuleView } from "../../src/automations/rules";
import { badge, card, emptyState, table } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";

export const automationsBase = (funnelId: string) => `/funnels/${encodeURIComponent(funnelId)}/automations`;
export const rulePath = (funnelId: string, ruleId: string) => `${automationsBase(funnelId)}/${encodeURIComponent(ruleId)}`;

export const STYLESHEET = html`<link rel="stylesheet" href="/assets/automations.css">`;

export interface RuleListItem {
  rule: RuleView;
  deliveries: number;
  failed: number;
  lastAt: number | null;
}

export function localTime(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" data-local>${iso.replace("T", " ").slice(0, 19)} UTC</time>`;
}

export function statusBadge(paused: boolean): SafeHtml {
  return paused ? badge("paused", "warn") : badge("active", "good");
}

export function failedBadge(funnelId: string, failed: number): SafeHtml {
  if (!failed) return html``;
  const label = failed === 1 ? "1 failed webhook delivery" : `${failed} failed webhook deliveries`;
  return html`<a class="badge bad" href="${automationsBase(funnelId)}" title="See the automations' delivery logs">${label}</a>`;
}

export function automationsListPage(opts: {
  user: LayoutUser;
  csrfToken: string;
  funnel: { id: string; name: string };
  items: RuleListItem[];
  stepName: (n: number) => string | undefined;
  canEdit: boolean;
}): SafeHtml {
  const { funnel, items } = opts;
  const newButton = opts.canEdit ? html`<a class="button primary" href="${automationsBase(funnel.id)}/new">New automation</a>` : html``;
  const failed = items.reduce((n, i) => n + i.failed, 0);
  const rows = items.map(({ rule, deliveries, failed: f, lastAt }) => [
    html`<a href="${rulePath(funnel.id, rule.id)}"><strong>${rule.name}</strong></a>`,
    describeTrigger(rule.trigger, opts.stepName),
    html`<code class="hook-url" title="${rule.action.url}">${rule.action.url}</code>`,
    statusBadge(rule.paused),
    html`${deliveries}${f ? html` · <span class="bad-text">${f} failed</span>` : ""}`,
    lastAt ? localTime(lastAt) : html`<span class="muted">never</span>`,
  ]);
  const body = items.length
    ? card({
        body: table(
          [{ label: "Rule" }, { label: "When" }, { label: "Sends to" }, { label: "Status" }, { label: "Deliveries (30 days)", numeric: true }, { label: "Last" }],
          rows,
        ),
      })
    : emptyState(
        "No automations yet",
        html`<p>An automation sends a signed webhook when something happens in this funnel: a purchase, a new contact,
          a visitor reaching a step, or a visitor who reached checkout and did not buy within an hour. Point it at n8n,
          Make, Zapier or your own endpoint.</p>`,
        newButton,
      );
  return page({
    title: "Automations",
    user: opts.user,
    csrfToken: opts.csrfToken,
    funnel,
    active: "automations",
    body: html`${STYLESHEET}
      <div class="page-head">
        <div><h1>Automations</h1><p class="muted">Signed webhooks (Standard Webhooks) when visitors do things.</p></div>
        ${items.length ? newButton : ""}
      </div>
      ${failed ? html`<div class="alert bad" role="status">${failed === 1 ? "1 delivery" : `${failed} deliveries`} failed. Open the rule to see the receiver's answer and resend.</div>` : ""}
      ${body}`,
  });
}
