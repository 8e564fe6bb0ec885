// What a funnel shows before its first event: how to install, and a live check.
import type { Funnel } from "../../src/funnels/store";
import { html, type SafeHtml } from "../html";
import type { Refusal } from "../../src/ingest/refusals";
import { botsLine, diagnosticsBlock, scriptTagBlock } from "../pages/installation";
import { installCheck } from "../pages/register";
import { funnelBase } from "./links";

export interface OnboardingInput {
  origin: string;
  funnel: Funnel;
  csrfToken: string;
  canEdit: boolean;
  refusals: Refusal[];
}

export function onboarding(o: OnboardingInput): SafeHtml {
  const f = o.funnel;
  return html`<div class="empty-state onboarding" id="analytics">
    <h2>No events yet for ${f.name}</h2>
    <div class="empty-body">
      <p>Add the script to every page of <strong>${f.url}</strong> (before <code>&lt;/head&gt;</code>):</p>
      ${scriptTagBlock({ ...o, back: "overview" })}
      <p>Then open your site in a browser. This page turns into the dashboard by itself when the first event arrives:</p>
      ${installCheck(f.id, false, { reloadWhenReceiving: true })}
      ${f.botsDropped ? botsLine(f.botsDropped) : ""}
      ${diagnosticsBlock({ ...o, back: "overview" })}
      <p class="hint">More ways to send events (ES module, server-side conversions with the secret key, curl) and the full
        install check: <a href="${funnelBase(f.id)}/settings#install">Settings → Installation</a>.</p>
    </div>
  </div>`;
}
