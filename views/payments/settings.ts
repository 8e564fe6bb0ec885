// Settings → Payments: connect a provider, the webhook URL to paste, the events to tick,
// the masked secret, and the last deliveries with their outcome. Loaded into the settings
// page by htmx (GET /funnels/:id/settings/payments); every value is escaped.
import type { PaymentDelivery } from "../../src/payments/deliveries";
import type { ConnectionView, ConnectResult } from "../../src/payments/setup";
import { badge, copyButton, csrfField, formError, table } from "../components";
import { html, type SafeHtml } from "../html";

export interface ProviderChoice {
  provider: string;
  label: string;
  secret: "required" | "optional" | "none";
}

export interface PaymentsView {
  funnelId: string;
  csrfToken: string;
  canEdit: boolean;
  connections: (ConnectionView & { deliveries: PaymentDelivery[] })[];
  providers: ProviderChoice[];
  /** Just connected: what is shown this once (Gumroad's URL with its token, a generated secret). */
  created?: ConnectResult | null;
  error?: string | null;
}

const SECRET_HINTS: Record<string, string> = {
  stripe: "Developers → Webhooks → your endpoint → Signing secret (whsec_…)",
  paddle: "Developer tools → Notifications → your destination → Secret key",
  lemonsqueezy: "The signing secret you type when making the webhook; leave empty and Aurea makes one",
  whop: "Developer → Webhooks → your webhook → Secret",
  gumroad: "None: Aurea puts a random token in the URL",
};

const TONES: Record<string, "good" | "bad" | "warn" | "neutral"> = { verified: "good", bad_signature: "bad", error: "bad", duplicate: "neutral", ignored: "neutral" };
const OUTCOME_LABELS: Record<string, string> = { verified: "verified", bad_signature: "bad signature", ignored: "ignored", duplicate: "duplicate", error: "error" };

function when(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.replace("T", " ").slice(0, 19)} UTC</time>`;
}

function deliveriesTable(deliveries: PaymentDelivery[]): SafeHtml {
  return table(
    [{ label: "Received" }, { label: "Outcome" }, { label: "Event" }, { label: "Details" }],
    deliveries.map((d) => [when(d.at), badge(OUTCOME_LABELS[d.outcome] ?? d.outcome, TONES[d.outcome] ?? "neutral"), d.eventType ?? "", d.message]),
    { empty: "Nothing received yet. Send a test event from the provider (or `aurea payments test`)." },
  );
}

function connectionBlock(v: PaymentsView, c: PaymentsView["connections"][number]): SafeHtml {
  const urlId = `pay-url-${c.provider}`;
  const removeAction = `/funnels/${encodeURIComponent(v.funnelId)}/settings/payments/${c.provider}/remove`;
  const last = c.deliveries[0];
  return html`<div class="payment-connection" data-provider="${c.provider}">
    <hr>
    <h3>${c.label}${c.testMode ? html` ${badge("test mode", "warn")}` : ""}</h3>
    <div class="copy-field"><span class="copy-label">Webhook URL</span><code id="${urlId}">${c.url}</code>${c.provider === "gumroad" ? html`<span class="muted">token shown when connected</span>` : copyButton(urlId)}</div>
    <div class="copy-field"><span class="copy-label">Events to send</span><code>${c.events.join(", ")}</code><span></span></div>
    <div class="copy-field"><span class="copy-label">Secret</span><code>${c.secret ?? "in the URL"}</code><span></span></div>
    <p>Last received: ${last ? html`${when(last.at)} ${badge(OUTCOME_LABELS[last.outcome] ?? last.outcome, TONES[last.outcome] ?? "neutral")}` : html`<span class="muted">nothing yet</span>`}</p>
    <details${c.deliveries.length ? "" : html` open`}><summary>Deliveries received (last ${c.deliveries.length})</summary>${deliveriesTable(c.deliveries)}</details>
    ${v.canEdit
      ? html`<form class="actions" method="post" action="${removeAction}" hx-post="${removeAction}" hx-target="#payments-panel" hx-swap="outerHTML"
          hx-confirm="Disconnect ${c.label}? Its webhooks get 404 from now on and its delivery log is deleted. Recorded payments stay.">
          ${csrfField(v.csrfToken)}<button type="submit" class="danger small">Disconnect ${c.label}</button></form>`
      : ""}
  </div>`;
}

function createdNotice(c: ConnectResult, label: string): SafeHtml {
  return html`<div class="alert good" role="status">
    <p>${label} connected. Paste this webhook URL into ${label}${c.provider === "gumroad" ? html` (<strong>shown only now</strong>: it carries the token)` : ""}:</p>
    <div class="copy-field"><code id="pay-new-url">${c.url}</code>${copyButton("pay-new-url")}</div>
    ${c.secret ? html`<p>Signing secret to paste into ${label} (<strong>shown only now</strong>):</p><div class="copy-field"><code id="pay-new-secret">${c.secret}</code>${copyButton("pay-new-secret")}</div>` : ""}
  </div>`;
}

function connectForm(v: PaymentsView): SafeHtml {
  const action = `/funnels/${encodeURIComponent(v.funnelId)}/settings/payments`;
  return html`<hr><h3>Connect a provider</h3>
  <form method="post" action="${action}" hx-post="${action}" hx-target="#payments-panel" hx-swap="outerHTML" class="payment-connect">
    ${csrfField(v.csrfToken)}
    <div class="field">
      <label for="pay-provider">Provider</label>
      <select id="pay-provider" name="provider">${v.providers.map((p) => html`<option value="${p.provider}">${p.label}</option>`)}</select>
    </div>
    <div class="field">
      <label for="pay-secret">Signing secret</label>
      <input id="pay-secret" name="secret" type="password" autocomplete="off" spellcheck="false" aria-describedby="pay-secret-hint">
      <ul class="hint" id="pay-secret-hint">${v.providers.map((p) => html`<li><strong>${p.label}:</strong> ${SECRET_HINTS[p.provider] ?? ""}</li>`)}</ul>
    </div>
    <div class="field"><label><input type="checkbox" name="test_mode" value="1"> Test mode: record every payment as a test (a Paddle sandbox)</label></div>
    <div class="actions"><button type="submit" class="primary">Connect</button><span class="htmx-indicator muted">Connecting…</span></div>
  </form>`;
}

export function paymentsPanel(v: PaymentsView): SafeHtml {
  const created = v.created ? v.connections.find((c) => c.provider === v.created!.provider) : undefined;
  return html`<div id="payments-panel">
    <p class="hint">Payment providers report purchases and refunds to Aurea with signed webhooks: revenue is verified, net of refunds, and credited to the visit that bought. See docs/payments.md for each provider's checkout snippet.</p>
    ${formError(v.error)}
    ${v.created && created ? createdNotice(v.created, created.label) : ""}
    ${v.connections.length ? v.connections.map((c) => connectionBlock(v, c)) : html`<p class="muted">No provider connected yet.</p>`}
    ${v.canEdit ? connectForm(v) : html`<p class="muted">Only an owner can connect providers.</p>`}
  </div>`;
}
