// /funnels/:id/settings: details and retention, installation (installation.ts), keys, the
// steps editor slot (loaded from the steps pages), and deleting the funnel.
import type { Funnel } from "../../src/funnels/store";
import type { Refusal } from "../../src/ingest/refusals";
import { card, copyField, csrfField, formError } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";
import { installationCard } from "./installation";

export interface SettingsValues {
  name: string;
  url: string;
  description: string;
  origins: string;
  retentionDays: string;
}

export function settingsValues(f: Funnel): SettingsValues {
  return {
    name: f.name,
    url: f.url,
    description: f.description,
    origins: f.origins.join("\n"),
    retentionDays: f.retentionDays == null ? "" : String(f.retentionDays),
  };
}

export function detailsForm(opts: { funnelId: string; csrfToken: string; values: SettingsValues; canEdit: boolean; error?: string | null; saved?: boolean }): SafeHtml {
  const v = opts.values;
  const ro = opts.canEdit ? "" : html` disabled`;
  const action = `/funnels/${encodeURIComponent(opts.funnelId)}/settings`;
  return html`<form id="details-form" method="post" action="${action}" hx-post="${action}" hx-target="this" hx-swap="outerHTML">
    ${csrfField(opts.csrfToken)}
    ${formError(opts.error)}
    ${opts.saved ? html`<div class="alert good" role="status">Saved.</div>` : ""}
    <div class="field">
      <label for="s-name">Name</label>
      <input id="s-name" name="name" type="text" required maxlength="200" value="${v.name}"${ro}>
    </div>
    <div class="field">
      <label for="s-url">URL</label>
      <input id="s-url" name="url" type="url" required value="${v.url}"${ro}>
    </div>
    <div class="field">
      <label for="s-description">Description</label>
      <input id="s-description" name="description" type="text" maxlength="500" value="${v.description}"${ro}>
    </div>
    <div class="field">
      <label for="s-origins">Allowed origins</label>
      <textarea id="s-origins" name="origins" rows="3" aria-describedby="s-origins-hint"${ro}>${v.origins}</textarea>
      <p class="hint" id="s-origins-hint">One per line. Pages elsewhere cannot send events with the public key. Empty: the URL's origin.</p>
    </div>
    <div class="field">
      <label for="s-retention">Data retention (days)</label>
      <input id="s-retention" name="retention_days" type="number" min="1" step="1" inputmode="numeric" value="${v.retentionDays}" placeholder="forever" aria-describedby="s-retention-hint"${ro}>
      <p class="hint" id="s-retention-hint">Events older than this are deleted once a day, with the sessions that ended before. Empty keeps everything.</p>
    </div>
    ${opts.canEdit ? html`<div class="actions"><button type="submit" class="primary">Save changes</button><span class="htmx-indicator muted">Saving…</span></div>` : ""}
  </form>`;
}

function keysCard(f: Funnel, csrfToken: string, canEdit: boolean): SafeHtml {
  const action = `/funnels/${encodeURIComponent(f.id)}/rotate-keys`;
  return card({
    title: "Keys",
    id: "keys",
    body: html`<div id="keys-panel">
      <div class="copy-field"><span class="copy-label">Funnel id</span><code>${f.id}</code><span></span></div>
      ${f.publicKey
        ? copyField("key-public", "Public key", f.publicKey)
        : html`<div class="copy-field"><span class="copy-label">Public key</span><code>${f.publicKeyPrefix}</code><span></span></div>`}
      <div class="copy-field"><span class="copy-label">Secret key</span><code>${f.secretKeyPrefix}</code><span></span></div>
      <p class="hint">The public key is not a secret: it is in your pages' source (data-key). The secret key is stored hashed and shown only when made.</p>
      ${canEdit
        ? html`<form method="post" action="${action}" hx-post="${action}" hx-target="#keys-panel" hx-swap="innerHTML"
              hx-confirm="Rotate the keys? The current public and secret keys stop working at once: update your pages and servers right after.">
            ${csrfField(csrfToken)}
            <button type="submit">Rotate keys</button>
          </form>`
        : ""}
    </div>`,
  });
}

function deleteCard(f: Funnel, csrfToken: string): SafeHtml {
  return card({
    title: "Delete this funnel",
    className: "danger-zone",
    body: html`<p>Deletes the funnel with all its events, sessions, contacts and automations. This cannot be undone.</p>
      ${deleteForm(f, csrfToken, null)}`,
  });
}

export function settingsPage(opts: { user: LayoutUser; csrfToken: string; funnel: Funnel; canEdit: boolean; origin: string; refusals: Refusal[]; timeZone?: string }): SafeHtml {
  const f = opts.funnel;
  const id = encodeURIComponent(f.id);
  return page({
    title: "Settings",
    user: opts.user,
    csrfToken: opts.csrfToken,
    funnel: { id: f.id, name: f.name },
    timeZone: opts.timeZone,
    active: "settings",
    body: html`<div class="page-head"><div><h1>Settings</h1>${opts.canEdit ? "" : html`<p class="muted">You can view these settings; only an owner can change them.</p>`}</div></div>
      ${card({ title: "Funnel", body: detailsForm({ funnelId: f.id, csrfToken: opts.csrfToken, values: settingsValues(f), canEdit: opts.canEdit }) })}
      ${installationCard({ origin: opts.origin, funnel: f, csrfToken: opts.csrfToken, canEdit: opts.canEdit, back: "settings", refusals: opts.refusals })}
      ${keysCard(f, opts.csrfToken, opts.canEdit)}
      <section id="time-zone" class="card" aria-label="Time zone" hx-get="/funnels/${id}/settings/time-zone" hx-trigger="load" hx-swap="innerHTML">
        <div class="card-body muted"><a href="/funnels/${id}/settings/time-zone">Time zone</a></div>
      </section>
      <section id="data-size" class="card" aria-label="Data size" hx-get="/funnels/${id}/settings/data-size" hx-trigger="load" hx-swap="innerHTML">
        <div class="card-body muted"><a href="/funnels/${id}/settings/data-size">Data size</a></div>
      </section>
      <section id="steps-settings" class="card" aria-label="Funnel steps" hx-get="/funnels/${id}/steps/editor" hx-trigger="load" hx-swap="innerHTML">
        <div class="card-body muted">Loading the steps editor…</div>
      </section>
      <section id="payments-settings" class="card" aria-label="Payments">
        <header class="card-head"><h2>Payments</h2></header>
        <div class="card-body" hx-get="/funnels/${id}/settings/payments" hx-trigger="load" hx-swap="innerHTML"><span class="muted">Loading payment providers…</span></div>
      </section>
      <section id="reports-settings" class="card" aria-label="Email reports">
        <header class="card-head"><h2>Email reports</h2></header>
        <div class="card-body" hx-get="/funnels/${id}/settings/reports" hx-trigger="load" hx-swap="innerHTML"><span class="muted">Loading email reports…</span></div>
      </section>
      ${opts.canEdit ? deleteCard(f, opts.csrfToken) : ""}`,
  });
}

export function deleteForm(f: Funnel, csrfToken: string, error: string | null): SafeHtml {
  const action = `/funnels/${encodeURIComponent(f.id)}/delete`;
  return html`<form method="post" action="${action}" hx-post="${action}" hx-target="this" hx-swap="outerHTML">
    ${csrfField(csrfToken)}
    ${formError(error)}
    <div class="field">
      <label for="d-confirm">Type the funnel's name to confirm: <code>${f.name}</code></label>
      <input id="d-confirm" name="confirm_name" type="text" autocomplete="off" data-confirm-match="${f.name}"${error ? html` data-autofocus` : ""}>
    </div>
    <button type="submit" class="danger">Delete funnel and its data</button>
  </form>`;
}
