// One automation: what it does, its actions (edit, pause, test, delete), the
// signing secret right after creation, and the delivery log with resend.
import { describeCondition, describeTrigger } from "../../src/automations/describe";
import { formatDuration } from "../../src/automations/rule-schema";
import type { RuleView } from "../../src/automations/rules";
import type { DeliveryRow } from "../../src/automations/deliveries";
import { badge, card, codeBlock, copyField, csrfField } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";
import { automationsBase, localTime, rulePath, statusBadge, STYLESHEET } from "./list";

const DELIVERY_TONE = { delivered: "good", pending: "warn", failed: "bad" } as const;

export function verifySnippet(secretPlaceholder = "whsec_…"): string {
  return `import { Webhook } from "standardwebhooks"; // npm install standardwebhooks

const wh = new Webhook(process.env.AUREA_WEBHOOK_SECRET); // "${secretPlaceholder}"

// In your handler: verify the RAW body (before JSON parsing) with the request's headers.
const payload = wh.verify(rawBody, {
  "webhook-id": req.headers["webhook-id"],
  "webhook-timestamp": req.headers["webhook-timestamp"],
  "webhook-signature": req.headers["webhook-signature"],
}); // throws if the signature or the timestamp is wrong

// webhook-id is the same on every retry: use it to ignore duplicates.`;
}

function postButton(opts: { action: string; label: string; csrfToken: string; target?: string; confirm?: string; className?: string }): SafeHtml {
  return html`<form method="post" action="${opts.action}" class="inline"
      ${opts.target ? html`hx-post="${opts.action}" hx-target="${opts.target}" hx-swap="outerHTML"` : ""}
      ${opts.confirm ? html`data-confirm="${opts.confirm}"` : ""}>
    ${csrfField(opts.csrfToken)}
    <button type="submit" class="${opts.className ?? "button"}">${opts.label}</button>
  </form>`;
}

/** The delivery log; refreshes itself every 2 s while a delivery is still queued. */
export function deliveryLog(opts: { funnelId: string; ruleId: string; deliveries: DeliveryRow[]; csrfToken: string; canEdit: boolean }): SafeHtml {
  const base = rulePath(opts.funnelId, opts.ruleId);
  const pending = opts.deliveries.some((d) => d.status === "pending");
  const rows = opts.deliveries.map((d) => {
    const last = d.last;
    return html`<tr>
      <td>${localTime(d.createdAt)}${d.test ? html` ${badge("test")}` : ""}</td>
      <td>${badge(d.status, DELIVERY_TONE[d.status])}</td>
      <td class="num">${d.attempts}</td>
      <td class="num">${last?.statusCode ?? "—"}</td>
      <td class="num">${last?.latencyMs != null ? `${last.latencyMs} ms` : "—"}</td>
      <td><code class="snippet" title="${last?.responseSnippet ?? ""}">${last?.responseSnippet ?? ""}</code></td>
      <td class="error-cell">${last?.error ?? ""}</td>
      <td>${opts.canEdit && d.status !== "pending"
        ? postButton({ action: `${base}/deliveries/${encodeURIComponent(d.id)}/resend`, label: "Resend", csrfToken: opts.csrfToken, target: "#delivery-log", className: "button small" })
        : ""}</td>
    </tr>`;
  });
  const poll = pending ? html` hx-get="${base}/deliveries" hx-trigger="every 2s" hx-swap="outerHTML"` : html``;
  return html`<section class="card" id="delivery-log"${poll}>
    <header class="card-head"><h2>Deliveries</h2><div class="card-actions">
      ${opts.canEdit ? postButton({ action: `${base}/test`, label: "Send a test delivery", csrfToken: opts.csrfToken, target: "#delivery-log", className: "button small" }) : ""}
    </div></header>
    <div class="card-body">
      ${opts.deliveries.length
        ? html`<div class="table-wrap"><table class="delivery-table">
            <thead><tr><th scope="col">Time</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col" class="num">HTTP</th>
              <th scope="col" class="num">Latency</th><th scope="col">Response</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>${rows}</tbody>
          </table></div>
          <p class="hint">The last attempt of each delivery; a retried delivery keeps its webhook-id. Kept 30 days.</p>`
        : html`<p class="muted">No deliveries yet.${opts.canEdit ? " Send a test delivery to check your receiver." : ""}</p>`}
    </div>
  </section>`;
}

function ruleSummaryCard(rule: RuleView, stepName: (n: number) => string | undefined): SafeHtml {
  const headerNames = Object.keys(rule.action.headers ?? {});
  return card({
    title: "Rule",
    body: html`<dl class="rule-facts">
      <dt>When</dt><dd>${describeTrigger(rule.trigger, stepName)}</dd>
      <dt>Only if</dt><dd>${rule.conditions.length ? rule.conditions.map((c, i) => html`${i ? html`<br>` : ""}${describeCondition(c)}`) : html`<span class="muted">always</span>`}</dd>
      <dt>Sends to</dt><dd><code class="hook-url">${rule.action.url}</code></dd>
      <dt>Headers</dt><dd>${headerNames.length ? headerNames.join(", ") : html`<span class="muted">none besides the signature</span>`}</dd>
      <dt>Cooldown</dt><dd>${rule.cooldownSeconds ? `${formatDuration(rule.cooldownSeconds)} per visitor` : html`<span class="muted">none</span>`}</dd>
      <dt>Signing secret</dt><dd><code>${rule.secretHint}</code></dd>
    </dl>`,
  });
}

function secretPanel(secret: string): SafeHtml {
  return card({
    title: "Signing secret",
    className: "secret-card",
    body: html`<p class="once-warning">Copy it now: it is shown only this once.</p>
      ${copyField("rule-secret", "Secret", secret)}
      <p class="hint">Your receiver verifies every delivery with it (Standard Webhooks, the scheme Svix and Resend use):</p>
      ${codeBlock("verify-snippet", verifySnippet(), "Node.js / Bun")}`,
  });
}

export function rulePage(opts: {
  user: LayoutUser;
  csrfToken: string;
  funnel: { id: string; name: string };
  rule: RuleView;
  deliveries: DeliveryRow[];
  stepName: (n: number) => string | undefined;
  canEdit: boolean;
  /** Only right after creation. */
  secret?: string;
}): SafeHtml {
  const { rule, funnel } = opts;
  const base = rulePath(funnel.id, rule.id);
  const actions = opts.canEdit
    ? html`<div class="actions rule-actions">
        <a class="button" href="${base}/edit">Edit</a>
        ${postButton({ action: `${base}/${rule.paused ? "resume" : "pause"}`, label: rule.paused ? "Resume" : "Pause", csrfToken: opts.csrfToken })}
        ${postButton({ action: `${base}/delete`, label: "Delete", csrfToken: opts.csrfToken, className: "button danger", confirm: `Delete the automation "${rule.name}" and its delivery log?` })}
      </div>`
    : html``;
  return page({
    title: rule.name,
    user: opts.user,
    csrfToken: opts.csrfToken,
    funnel,
    active: "automations",
    body: html`${STYLESHEET}
      <p><a href="${automationsBase(funnel.id)}">← Automations</a></p>
      <div class="page-head">
        <div><h1>${rule.name} ${statusBadge(rule.paused)}</h1>
          ${rule.paused ? html`<p class="muted">Paused: nothing fires until it is resumed (a test delivery still works).</p>` : ""}</div>
        ${actions}
      </div>
      ${opts.secret ? secretPanel(opts.secret) : ""}
      ${ruleSummaryCard(rule, opts.stepName)}
      ${deliveryLog({ funnelId: funnel.id, ruleId: rule.id, deliveries: opts.deliveries, csrfToken: opts.csrfToken, canEdit: opts.canEdit })}
      ${opts.secret ? "" : html`<details class="more-snippets"><summary>How to verify deliveries</summary>${codeBlock("verify-snippet", verifySnippet(), "Node.js / Bun")}</details>`}`,
  });
}
