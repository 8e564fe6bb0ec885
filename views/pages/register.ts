// Registering a funnel: (1) the details form, (2) its keys shown once, the
// install snippets and a live install check. Step 2 is also what rotating keys shows.
import { CAPTURE_OPTIONS, isCaptured, type CaptureChoices } from "../../src/funnels/capture";
import { codeBlock, copyField, csrfField, formError } from "../components";
import { html, type SafeHtml } from "../html";
import { curlSnippet, esModuleSnippet, scriptTagSnippet, serverClientSnippet, type SnippetInput } from "./snippets";

export interface RegisterFormValues {
  name?: string;
  description?: string;
  url?: string;
  origins?: string;
  capture?: CaptureChoices;
}

function stepsIndicator(step: 1 | 2): SafeHtml {
  return html`<ol class="steps-indicator" aria-label="Progress">
    <li${step === 1 ? html` aria-current="step"` : ""}>1. Details</li>
    <li aria-hidden="true">→</li>
    <li${step === 2 ? html` aria-current="step"` : ""}>2. Install</li>
  </ol>`;
}

export function captureFieldset(capture: CaptureChoices): SafeHtml {
  return html`<fieldset>
    <legend>Capture automatically</legend>
    <div class="checks">
      ${CAPTURE_OPTIONS.map(
        (o) => html`<label class="check"><input type="checkbox" name="capture" value="${o.key}"${isCaptured(capture, o.key) ? html` checked` : ""}>
          <span>${o.label}<span class="hint">${o.hint}</span></span></label>`,
      )}
    </div>
  </fieldset>`;
}

export function registerForm(opts: { csrfToken: string; values?: RegisterFormValues; error?: string | null }): SafeHtml {
  const v = opts.values ?? {};
  return html`${stepsIndicator(1)}
  ${formError(opts.error)}
  <form method="post" action="/funnels" hx-post="/funnels" hx-target="#register-panel" hx-swap="innerHTML">
    ${csrfField(opts.csrfToken)}
    <div class="field">
      <label for="r-name">Name</label>
      <input id="r-name" name="name" type="text" required maxlength="200" value="${v.name ?? ""}" placeholder="Spring launch" data-autofocus>
    </div>
    <div class="field">
      <label for="r-url">URL</label>
      <input id="r-url" name="url" type="url" required value="${v.url ?? ""}" placeholder="https://shop.example" aria-describedby="r-url-hint">
      <p class="hint" id="r-url-hint">The funnel's first page.</p>
    </div>
    <div class="field">
      <label for="r-description">Description <span class="muted">(optional)</span></label>
      <input id="r-description" name="description" type="text" maxlength="500" value="${v.description ?? ""}">
    </div>
    <div class="field">
      <label for="r-origins">Allowed origins</label>
      <textarea id="r-origins" name="origins" rows="3" data-origin-from="#r-url" aria-describedby="r-origins-hint">${v.origins ?? ""}</textarea>
      <p class="hint" id="r-origins-hint">One per line. Only pages on these origins may send events with the public key. Empty: the URL's origin.</p>
    </div>
    ${captureFieldset(v.capture ?? Object.fromEntries(CAPTURE_OPTIONS.map((o) => [o.key, true])))}
    <div class="actions">
      <button type="submit" class="primary">Register and get the snippet</button>
      <span class="htmx-indicator muted">Saving…</span>
    </div>
  </form>`;
}

export function installCheckInner(receiving: boolean): SafeHtml {
  return receiving
    ? html`<div class="install-check ok"><span class="dot" aria-hidden="true"></span>Receiving events</div>`
    : html`<div class="install-check waiting"><span class="dot" aria-hidden="true"></span>Waiting for the first event… Open a page with the snippet, or send the curl example.</div>`;
}

/**
 * The install check; while waiting it polls /install-check every 2 s, which answers 286 (stop) once events arrive.
 * With `reloadWhenReceiving` (the empty overview), that answer also reloads the page, which then shows the dashboard.
 */
export function installCheck(funnelId: string, receiving: boolean, opts: { reloadWhenReceiving?: boolean } = {}): SafeHtml {
  const url = `/funnels/${encodeURIComponent(funnelId)}/install-check${opts.reloadWhenReceiving ? "?then=reload" : ""}`;
  const poll = receiving ? "" : html` hx-get="${url}" hx-trigger="every 2s" hx-swap="innerHTML"`;
  return html`<div id="install-check" role="status"${poll}>${installCheckInner(receiving)}</div>`;
}

export function installPanel(opts: SnippetInput & { funnelName: string; receiving: boolean; rotated?: boolean }): SafeHtml {
  const id = encodeURIComponent(opts.funnelId);
  return html`${opts.rotated ? "" : stepsIndicator(2)}
  <div class="alert good" role="status">${opts.rotated ? html`New keys for <strong>${opts.funnelName}</strong>. The old keys no longer work.` : html`<strong>${opts.funnelName}</strong> is registered.`}</div>
  <p class="once-warning">Copy the keys now: the secret key is shown only this once. (Lost it? Rotate the keys in Settings.)</p>
  <div class="keys">
    ${copyField("key-funnel-id", "Funnel id", opts.funnelId)}
    ${copyField("key-public", "Public key", opts.publicKey)}
    ${copyField("key-secret", "Secret key", opts.secretKey)}
  </div>
  <h3 class="snippets-title">1. Add the script to every page of the funnel</h3>
  ${codeBlock("snippet-script", scriptTagSnippet(opts), "HTML")}
  <details class="more-snippets">
    <summary>Or use the ES module with a bundler</summary>
    ${codeBlock("snippet-module", esModuleSnippet(opts), "JavaScript / TypeScript")}
  </details>
  <h3>2. Send conversions from your server</h3>
  <p class="muted">Server-side conversions use the secret key and count as verified revenue.</p>
  ${codeBlock("snippet-curl", curlSnippet(opts), "curl")}
  ${codeBlock("snippet-server", serverClientSnippet(opts), "Bun / Node (@aurea/sdk/server)")}
  <h3>3. Check the installation</h3>
  ${installCheck(opts.funnelId, opts.receiving)}
  <div class="actions">
    <a class="button primary" href="/funnels/${id}">Go to the funnel</a>
    <a class="button" href="/funnels">All funnels</a>
  </div>`;
}
