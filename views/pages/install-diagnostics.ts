// Install diagnostics: what ingest refused for this funnel lately, and what to do
// about it, with "allow this origin" where that is the fix. Polled while open.
import type { Refusal } from "../../src/ingest/refusals";
import { csrfField, localTime } from "../components";
import { html, type SafeHtml } from "../html";

export interface DiagnosticsInput {
  funnelId: string;
  origins: string[];
  refusals: Refusal[];
  csrfToken: string;
  canEdit: boolean;
  /** Shown once after an origin was allowed. */
  allowed?: string | null;
}

const TITLES: Record<Refusal["reason"], string> = {
  wrong_key: "Wrong key",
  origin_not_allowed: "Origin not allowed",
  rate_limited: "Rate limited",
  invalid_event: "Invalid event",
  invalid_request: "Invalid request",
};

function isWebOrigin(origin: string | null): origin is string {
  return !!origin && /^https?:\/\/[^/]+$/.test(origin);
}

function allowButton(o: DiagnosticsInput, origin: string): SafeHtml {
  const action = `/funnels/${encodeURIComponent(o.funnelId)}/allow-origin`;
  return html`<form method="post" action="${action}" hx-post="${action}" hx-target="#install-diagnostics" hx-swap="outerHTML" class="refusal-fix">
    ${csrfField(o.csrfToken)}<input type="hidden" name="origin" value="${origin}">
    <button type="submit" class="small">Allow ${origin}</button>
  </form>`;
}

function refusalItem(o: DiagnosticsInput, r: Refusal): SafeHtml {
  const fixable = r.code === "origin_not_allowed" && isWebOrigin(r.origin) && !o.origins.includes(r.origin);
  return html`<li class="refusal" data-reason="${r.reason}">
    <strong>${TITLES[r.reason]}</strong>${r.origin ? html` from <code>${r.origin}</code>` : ""}
    <span class="muted">· ${r.count === 1 ? "once" : `${r.count} times`}, last ${localTime(r.lastAt)}</span>
    <div class="refusal-message">${r.message}</div>
    ${r.origin === "null" ? html`<div class="hint">A page opened from a file has no origin: serve it over http(s) instead.</div>` : ""}
    ${fixable && o.canEdit ? allowButton(o, r.origin as string) : ""}
  </li>`;
}

export function installDiagnostics(o: DiagnosticsInput): SafeHtml {
  const poll = `/funnels/${encodeURIComponent(o.funnelId)}/install-diagnostics`;
  return html`<div id="install-diagnostics" hx-get="${poll}" hx-trigger="every 5s" hx-swap="outerHTML">
    <h3>Refused requests</h3>
    ${o.allowed ? html`<div class="alert good" role="status"><code>${o.allowed}</code> is now allowed. Reload your page to send again.</div>` : ""}
    ${o.refusals.length
      ? html`<ul class="refusals">${o.refusals.map((r) => refusalItem(o, r))}</ul>`
      : html`<p class="muted">None since the server started. A wrong key, a page on an origin that is not allowed, or an invalid event would show here.</p>`}
  </div>`;
}
