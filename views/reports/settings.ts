// Settings → Email reports: who gets the weekly and monthly digests (dashboard users
// ticked, other addresses typed), whether email is set up at all, and the last sends.
import { badge, csrfField, notice } from "../components";
import { html, type SafeHtml } from "../html";
import type { SendRow } from "../../src/reports/sends";
import type { Cadence } from "../../src/reports/period";

export interface ReportsView {
  funnelId: string;
  csrfToken: string;
  canEdit: boolean;
  /** The SMTP server as shown (password masked), or null: email is off. */
  smtp: string | null;
  publicUrl: string | null;
  zone: string;
  users: { email: string; role: string }[];
  subscribers: Record<Cadence, string[]>;
  sends: SendRow[];
  saved?: boolean;
  error?: string | null;
}

const CADENCE_LABEL: Record<Cadence, string> = { weekly: "Weekly (Mondays 09:00)", monthly: "Monthly (the 1st, 09:00)" };
const STATUS_TONE: Record<string, "neutral" | "good" | "warn" | "bad"> = { sent: "good", queued: "neutral", sending: "neutral", retry: "warn", failed: "bad", unknown: "warn", cancelled: "neutral" };

function cadenceFields(v: ReportsView, cadence: Cadence): SafeHtml {
  const list = v.subscribers[cadence];
  const userEmails = new Set(v.users.map((u) => u.email.toLowerCase()));
  const extra = list.filter((e) => !userEmails.has(e));
  const disabled = v.canEdit ? "" : html` disabled`;
  return html`<fieldset class="field"><legend>${CADENCE_LABEL[cadence]}</legend>
    ${v.users.map(
      (u) => html`<label><input type="checkbox" name="${cadence}" value="${u.email}"${list.includes(u.email.toLowerCase()) ? html` checked` : ""}${disabled}> ${u.email} <span class="muted">(${u.role})</span></label><br>`,
    )}
    <label for="reports-${cadence}-extra">Other addresses, one per line</label>
    <textarea id="reports-${cadence}-extra" name="${cadence}_extra" rows="2" spellcheck="false"${disabled}>${extra.join("\n")}</textarea>
  </fieldset>`;
}

export function reportsPanel(v: ReportsView): SafeHtml {
  const action = `/funnels/${encodeURIComponent(v.funnelId)}/settings/reports`;
  return html`<div id="reports-panel">
    ${v.smtp
      ? html`<p class="hint">Digests go out through ${v.smtp}, in ${v.zone}: visitors, conversions, verified revenue, the steps that lose most, top sources and landing pages. Check the server with <code>aurea mail test --to you@example.com</code>.</p>`
      : notice(html`Email is off: start the server with <code>--smtp-url smtp://user:pass@host:587</code> and <code>--mail-from</code> (or <code>AUREA_SMTP_URL</code>, <code>AUREA_MAIL_FROM</code>) to send digests. Recipients set here are kept meanwhile.`, "warn")}
    ${v.publicUrl ? "" : notice(html`Without <code>--public-url</code> digests carry no dashboard link and no unsubscribe link.`, "warn")}
    ${v.saved ? notice("Recipients saved.", "good") : ""}
    ${v.error ? notice(v.error, "bad") : ""}
    <form method="post" action="${action}" hx-post="${action}" hx-target="#reports-panel" hx-swap="outerHTML">
      ${csrfField(v.csrfToken)}
      ${cadenceFields(v, "weekly")}
      ${cadenceFields(v, "monthly")}
      ${v.canEdit ? html`<div class="actions"><button type="submit" class="primary">Save recipients</button></div>` : html`<p class="muted">Only an owner can change the recipients.</p>`}
    </form>
    <details${v.sends.length ? "" : html` open`}><summary>Last digests sent (${v.sends.length})</summary>
    ${v.sends.length
      ? html`<table class="table"><thead><tr><th>Period</th><th>To</th><th>Status</th><th>Attempts</th><th>Note</th></tr></thead><tbody>${v.sends.map(
          (s) => html`<tr><td>${new Date(s.periodFrom).toISOString().slice(0, 10)} (${s.cadence})</td><td>${s.email}</td><td>${badge(s.status, STATUS_TONE[s.status] ?? "neutral")}</td><td>${s.attempts}</td><td>${s.error ?? ""}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="muted">None yet.</p>`}</details>
  </div>`;
}
