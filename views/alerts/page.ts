// /funnels/:id/alerts: the funnel's email alerts with their last firing, a form per kind
// to add one (owners), a remove button per alert, and whether email is set up at all.
import type { AlertKind, AlertRule } from "../../src/alerts/rules";
import { badge, card, csrfField, emptyState, notice, table } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";

export interface AlertListItem {
  rule: AlertRule;
  window: string;
  last: { subject: string; firedAt: number } | null;
}

/** What the add form of one kind was sent with, kept when it is refused. */
export type AlertFormValues = Record<string, string>;

export interface AlertsView {
  user: LayoutUser;
  csrfToken: string;
  funnel: { id: string; name: string };
  items: AlertListItem[];
  canEdit: boolean;
  /** The SMTP server as shown, or null: email is off. */
  smtp: string | null;
  /** The address the forms start with (the signed-in user). */
  defaultTo: string;
  failed?: { kind: string; values: AlertFormValues; error: string } | null;
  saved?: string | null;
}

export const alertsBase = (funnelId: string) => `/funnels/${encodeURIComponent(funnelId)}/alerts`;

interface KindForm {
  kind: AlertKind;
  title: string;
  fields: { name: string; label: string; type: "number" | "select"; placeholder?: string; options?: [string, string][] }[];
  window: string;
}

export const KIND_FORMS: KindForm[] = [
  { kind: "sale", title: "A sale", window: "once per sale; daily: once a day", fields: [{ name: "mode", label: "Send", type: "select", options: [["each", "a mail for each verified sale"], ["daily", "a daily summary of yesterday's sales (09:00)"]] }] },
  { kind: "conversion_drop", title: "Conversion rate drops", window: "1d", fields: [{ name: "percent", label: "Drop of more than (%) against the same weekday's average", type: "number", placeholder: "50" }, { name: "minVisits", label: "With at least this many visits today", type: "number", placeholder: "30" }] },
  { kind: "traffic_spike", title: "Traffic spikes", window: "6h", fields: [{ name: "percent", label: "Visitors in the last hour above the usual by more than (%)", type: "number", placeholder: "200" }, { name: "minVisitors", label: "With at least this many visitors", type: "number", placeholder: "30" }] },
  { kind: "webhook_failures", title: "Webhook deliveries fail", window: "1h", fields: [{ name: "min", label: "At least this many deliveries failed for good", type: "number", placeholder: "1" }] },
  { kind: "parked_batches", title: "Ingest batches are parked", window: "1d", fields: [{ name: "min", label: "At least this many batches parked (server-wide)", type: "number", placeholder: "1" }] },
  { kind: "disk_low", title: "Disk space runs low", window: "1d", fields: [{ name: "freeMb", label: "Less than this many MB free", type: "number", placeholder: "1024" }] },
];

export function describeAlert(rule: AlertRule): string {
  const p = rule.params as Record<string, number | string>;
  switch (rule.kind) {
    case "sale": return p.mode === "daily" ? "Daily summary of yesterday's verified sales, at 09:00" : "Each verified sale";
    case "conversion_drop": return `Conversion rate more than ${p.percent}% below the same weekday's, with at least ${p.minVisits} visits`;
    case "traffic_spike": return `Visitors in the last hour more than ${p.percent}% above the same hour's usual, with at least ${p.minVisitors}`;
    case "webhook_failures": return `At least ${p.min} webhook deliver${p.min === 1 ? "y" : "ies"} failed for good`;
    case "parked_batches": return `At least ${p.min} ingest batch${p.min === 1 ? " is" : "es are"} parked`;
    case "disk_low": return `Less than ${p.freeMb} MB free for the data`;
  }
}

function when(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" data-local>${iso.replace("T", " ").slice(0, 16)} UTC</time>`;
}

function list(v: AlertsView): SafeHtml {
  if (!v.items.length) return emptyState("No alerts yet", html`<p>Get an email when a sale comes in, when conversions drop or traffic spikes, or when something on the server needs a look.</p>`);
  const rows = v.items.map(({ rule, window, last }) => [
    html`<strong>${describeAlert(rule)}</strong><br><code class="muted">${rule.id}</code>`,
    rule.recipients.join(", "),
    window,
    last ? html`${when(last.firedAt)}<br><span class="muted">${last.subject}</span>` : html`<span class="muted">never</span>`,
    v.canEdit
      ? html`<form method="post" action="${alertsBase(v.funnel.id)}/${encodeURIComponent(rule.id)}/remove" class="inline" data-remove-alert="${rule.id}">
          ${csrfField(v.csrfToken)}<button type="submit" class="small danger">Remove</button></form>`
      : "",
  ]);
  return table([{ label: "Alert" }, { label: "Mails" }, { label: "At most" }, { label: "Last sent" }, { label: "" }], rows);
}

function kindForm(v: AlertsView, f: KindForm): SafeHtml {
  const failed = v.failed?.kind === f.kind ? v.failed : null;
  const val = (name: string) => failed?.values[name] ?? "";
  const id = (name: string) => `al-${f.kind}-${name}`;
  return html`<details class="alert-kind"${failed ? html` open` : ""}><summary>${f.title}</summary>
    <form method="post" action="${alertsBase(v.funnel.id)}" data-alert-form="${f.kind}">
      ${csrfField(v.csrfToken)}
      <input type="hidden" name="kind" value="${f.kind}">
      ${failed ? notice(failed.error, "bad") : ""}
      ${f.fields.map((field) =>
        field.type === "select"
          ? html`<div class="field"><label for="${id(field.name)}">${field.label}</label><select id="${id(field.name)}" name="${field.name}">${(field.options ?? []).map(
              ([value, label]) => html`<option value="${value}"${val(field.name) === value ? html` selected` : ""}>${label}</option>`,
            )}</select></div>`
          : html`<div class="field"><label for="${id(field.name)}">${field.label}</label><input id="${id(field.name)}" name="${field.name}" type="number" min="1" step="any" inputmode="decimal" placeholder="${field.placeholder ?? ""}" value="${val(field.name)}"></div>`,
      )}
      <div class="field"><label for="${id("to")}">Mail to (one address per line)</label>
        <textarea id="${id("to")}" name="to" rows="2" spellcheck="false" required>${failed ? val("to") : v.defaultTo}</textarea></div>
      <div class="field"><label for="${id("window")}">At most once per (e.g. 30m, 6h, 1d; empty: ${f.window})</label>
        <input id="${id("window")}" name="window" type="text" value="${val("window")}" placeholder="${f.window}"></div>
      <button type="submit" class="primary">Add alert</button>
    </form></details>`;
}

export function alertsPage(v: AlertsView): SafeHtml {
  return page({
    title: "Alerts",
    user: v.user,
    csrfToken: v.csrfToken,
    funnel: v.funnel,
    active: "alerts",
    body: html`<div class="page-head"><div><h1>Alerts</h1>
        <p class="muted">Emails when something happens. Each alert mails at most once per its window, with the reason in the subject.</p></div></div>
      ${v.smtp
        ? html`<p class="hint">Alerts go out through ${v.smtp}. Check it with <code>aurea mail test --to you@example.com</code>.</p>`
        : notice(html`<strong>Email is off.</strong> Alerts set here are kept, but none is sent until the server starts with <code>--smtp-url smtp://user:pass@host:587</code> and <code>--mail-from</code> (or <code>AUREA_SMTP_URL</code>, <code>AUREA_MAIL_FROM</code>).`, "warn")}
      ${v.saved ? notice(v.saved, "good") : ""}
      ${card({ title: html`Alerts on this funnel ${badge(String(v.items.length))}`, body: list(v) })}
      ${v.canEdit
        ? card({ title: "Add an alert", body: html`${KIND_FORMS.map((f) => kindForm(v, f))}` })
        : html`<p class="muted">Only an owner can add or remove alerts.</p>`}`,
  });
}
