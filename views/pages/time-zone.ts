// Settings → Time zone: the one zone a funnel's pages, steps report, drill-down and CSV
// exports use. Loaded into <section id="time-zone"> on the settings page, or a page of its own.
import { csrfField, notice } from "../components";
import { html, type SafeHtml } from "../html";

export interface TimeZoneView {
  funnelId: string;
  csrfToken: string;
  /** The zone in force (the setting, else the browser's or UTC). */
  zone: string;
  /** Whether the funnel has the setting yet. */
  chosen: boolean;
  zones: string[];
  canEdit: boolean;
  example: string;
  message?: { text: string; tone: "good" | "bad" };
}

export function timeZoneCard(v: TimeZoneView): SafeHtml {
  const action = `/funnels/${encodeURIComponent(v.funnelId)}/settings/time-zone`;
  const hint = html`<p class="hint" id="tz-hint">Every page of this funnel uses it: overview, sessions, contacts, the steps report and its drill-down, and CSV exports. Times read like ${v.example}.</p>`;
  return html`<header class="card-head"><h2>Time zone</h2></header>
    <div class="card-body">
      ${v.message ? notice(v.message.text, v.message.tone) : ""}
      ${v.canEdit
        ? html`<form method="post" action="${action}" hx-post="${action}" hx-target="#time-zone" hx-swap="innerHTML" class="tz-form">
            ${csrfField(v.csrfToken)}
            <div class="field">
              <label for="tz-select">Time zone</label>
              <select id="tz-select" name="time_zone" aria-describedby="tz-hint">
                ${v.zones.map((z) => html`<option value="${z}"${z === v.zone ? html` selected` : ""}>${z.replaceAll("_", " ")}</option>`)}
              </select>
              ${hint}
              ${v.chosen ? "" : html`<p class="hint">Not saved yet: ${v.zone} is your browser's zone.</p>`}
            </div>
            <button type="submit" class="primary">Save time zone</button>
          </form>`
        : html`<p><strong>${v.zone}</strong></p>${hint}`}
    </div>`;
}
