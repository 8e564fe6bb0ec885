// What a funnel needs to be installed, shared by Settings → Installation and the
// empty overview: the full script tag (the public key is kept in clear), or, for a
// funnel made before that, a way to get a new public key; and the live install check.
import type { Funnel } from "../../src/funnels/store";
import type { Refusal } from "../../src/ingest/refusals";
import { codeBlock, csrfField, formatCount } from "../components";
import { html, type SafeHtml } from "../html";
import { installDiagnostics } from "./install-diagnostics";
import { installCheck } from "./register";
import { scriptTagSnippet } from "./snippets";

export interface InstallationInput {
  /** Aurea's origin as the browser sees it. */
  origin: string;
  funnel: Funnel;
  csrfToken: string;
  canEdit: boolean;
  /** Where the "new public key" form returns to. */
  back: "settings" | "overview";
  /** What ingest refused lately (install diagnostics). */
  refusals: Refusal[];
}

export function diagnosticsBlock(o: InstallationInput): SafeHtml {
  return installDiagnostics({ funnelId: o.funnel.id, origins: o.funnel.origins, refusals: o.refusals, csrfToken: o.csrfToken, canEdit: o.canEdit });
}

/** The script tag with the full public key and the funnel's capture choices, or null when only the key's hash is known. */
export function funnelScriptTag(origin: string, f: Funnel): string | null {
  return f.publicKey ? scriptTagSnippet({ origin, funnelId: f.id, publicKey: f.publicKey, capture: f.capture, keepParams: f.keptParams }) : null;
}

export function scriptTagBlock(o: InstallationInput, id = "install-snippet"): SafeHtml {
  const tag = funnelScriptTag(o.origin, o.funnel);
  return tag ? codeBlock(id, tag, "Script tag") : newPublicKeyOffer(o);
}

/** For funnels registered before public keys were kept in clear: only a hash is known, so the tag cannot be shown. */
export function newPublicKeyOffer(o: InstallationInput): SafeHtml {
  const action = `/funnels/${encodeURIComponent(o.funnel.id)}/rotate-public-key`;
  return html`<div class="alert warn" id="public-key-unknown">
    <p>This funnel was registered before Aurea kept public keys, so only the start of its key is known
      (<code>${o.funnel.publicKeyPrefix}</code>). Pages that already carry the full key keep working.</p>
    ${o.canEdit
      ? html`<form method="post" action="${action}">
          ${csrfField(o.csrfToken)}<input type="hidden" name="back" value="${o.back}">
          <p>Get a new public key to see the full script tag here. <strong>The current public key stops working at once:
            update the script tag on every page right after.</strong> The secret key does not change.</p>
          <button type="submit">New public key</button>
        </form>`
      : html`<p>An owner can get a new public key in Settings.</p>`}
  </div>`;
}

export function botsLine(dropped: number): SafeHtml {
  return html`<p class="bots-dropped" id="bots-dropped">${dropped === 0
    ? "No bot traffic dropped so far."
    : `${formatCount(dropped)} ${dropped === 1 ? "event" : "events"} from bots dropped so far (search engines, crawlers, headless browsers): they are not counted anywhere.`}</p>`;
}

/** Settings → Installation. */
export function installationCard(o: InstallationInput): SafeHtml {
  const f = o.funnel;
  return html`<section class="card" id="install">
    <header class="card-head"><h2>Installation</h2></header>
    <div class="card-body">
      <p>Add this to every page of the funnel, before <code>&lt;/head&gt;</code>:</p>
      ${scriptTagBlock(o)}
      ${installCheck(f.id, f.firstEventAt !== null)}
      ${botsLine(f.botsDropped)}
      ${diagnosticsBlock(o)}
      ${keptParamsForm({ funnelId: f.id, value: f.keptParams.join(", "), csrfToken: o.csrfToken, canEdit: o.canEdit })}
    </div>
  </section>`;
}

/** URL privacy: the funnel's own query parameters to keep (campaign tags and click ids always are). */
export function keptParamsForm(o: { funnelId: string; value: string; csrfToken: string; canEdit: boolean; error?: string | null; saved?: boolean }): SafeHtml {
  const action = `/funnels/${encodeURIComponent(o.funnelId)}/kept-params`;
  const ro = o.canEdit ? "" : html` disabled`;
  return html`<form id="kept-params-form" method="post" action="${action}" hx-post="${action}" hx-target="this" hx-swap="outerHTML">
    <h3>URL privacy</h3>
    ${csrfField(o.csrfToken)}
    ${o.error ? html`<div class="alert bad" role="alert">${o.error}</div>` : ""}
    ${o.saved ? html`<div class="alert good" role="status">Saved. The script tag above now carries the list for the SDK: copy it to your pages again.</div>` : ""}
    <div class="field">
      <label for="s-kept-params">Query parameters to keep</label>
      <input id="s-kept-params" name="kept_params" type="text" value="${o.value}" placeholder="e.g. plan, coupon" aria-describedby="s-kept-params-hint"${ro}>
      <p class="hint" id="s-kept-params-hint">Recorded URLs and referrers keep only campaign tags (utm_*), ad click ids (gclid, fbclid, msclkid, ttclid…),
        ref, source, via and the names listed here; other query parameters are dropped (a GET form's fields would otherwise be recorded),
        and email addresses are redacted anywhere.</p>
    </div>
    ${o.canEdit ? html`<div class="actions"><button type="submit">Save</button></div>` : ""}
  </form>`;
}
