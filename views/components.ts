// Small shared pieces of dashboard markup. Every function escapes what it is given
// unless it is already SafeHtml.
import { html, type SafeHtml } from "./html";

type Content = SafeHtml | string | number | null | undefined;

/** What a page shows when there is nothing yet, with an optional call to action. */
export function emptyState(title: string, body: SafeHtml, action?: SafeHtml): SafeHtml {
  return html`<div class="empty-state">
    <h2>${title}</h2>
    <div class="empty-body">${body}</div>
    ${action ? html`<div class="empty-action">${action}</div>` : ""}
  </div>`;
}

export function card(opts: { title?: Content; body: SafeHtml; actions?: SafeHtml; id?: string; className?: string }): SafeHtml {
  return html`<section class="card${opts.className ? ` ${opts.className}` : ""}"${opts.id ? html` id="${opts.id}"` : ""}>
    ${opts.title || opts.actions
      ? html`<header class="card-head">${opts.title ? html`<h2>${opts.title}</h2>` : ""}${opts.actions ? html`<div class="card-actions">${opts.actions}</div>` : ""}</header>`
      : ""}
    <div class="card-body">${opts.body}</div>
  </section>`;
}

export interface Column {
  label: string;
  /** Right-align numbers. */
  numeric?: boolean;
}

/** A table that scrolls sideways on small screens; `rows` are arrays of cells. */
export function table(columns: Column[], rows: Content[][], opts: { empty?: string; caption?: string } = {}): SafeHtml {
  if (!rows.length && opts.empty) return html`<p class="muted">${opts.empty}</p>`;
  return html`<div class="table-wrap"><table>
    ${opts.caption ? html`<caption>${opts.caption}</caption>` : ""}
    <thead><tr>${columns.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr>${r.map((cell, i) => html`<td${columns[i]?.numeric ? html` class="num"` : ""}>${cell}</td>`)}</tr>`,
    )}</tbody>
  </table></div>`;
}

/** A labelled number, e.g. on cards and overview tiles. */
export function stat(label: string, value: Content, hint?: string): SafeHtml {
  return html`<div class="stat"><div class="stat-value">${value}</div><div class="stat-label">${label}</div>${hint ? html`<div class="stat-hint">${hint}</div>` : ""}</div>`;
}

export function badge(text: string, tone: "neutral" | "good" | "warn" | "bad" = "neutral"): SafeHtml {
  return html`<span class="badge ${tone}">${text}</span>`;
}

/** The hidden field every plain (non-htmx) POST form carries. */
export function csrfField(token: string | undefined): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token ?? ""}">`;
}

/** A button that copies the text of the element `#targetId` (app.js does the copying). */
export function copyButton(targetId: string, label = "Copy"): SafeHtml {
  return html`<button type="button" class="button small" data-copy="#${targetId}" aria-label="${label}: copy to clipboard">${label}</button>`;
}

/** A read-only value with a copy button, e.g. an API key. */
export function copyField(id: string, label: string, value: string): SafeHtml {
  return html`<div class="copy-field">
    <span class="copy-label" id="${id}-label">${label}</span>
    <code id="${id}" aria-labelledby="${id}-label">${value}</code>
    ${copyButton(id)}
  </div>`;
}

/** A code block with a copy button. */
export function codeBlock(id: string, code: string, label?: string): SafeHtml {
  return html`<div class="code-block">
    <div class="code-head">${label ? html`<span>${label}</span>` : html`<span></span>`}${copyButton(id)}</div>
    <pre><code id="${id}">${code}</code></pre>
  </div>`;
}

/** A form-level error box (role=alert so screen readers announce it after a swap). */
export function formError(message: string | null | undefined): SafeHtml {
  return message ? html`<div class="alert bad" role="alert">${message}</div>` : html``;
}

export function notice(message: Content, tone: "info" | "good" | "warn" | "bad" = "info"): SafeHtml {
  return html`<div class="alert ${tone}">${message}</div>`;
}

/** A labelled input; `attrs` is trusted markup for extra attributes (required, autocomplete…). */
export function field(opts: {
  name: string;
  label: string;
  value?: string | number | null;
  type?: string;
  hint?: string;
  attrs?: SafeHtml;
  id?: string;
}): SafeHtml {
  const id = opts.id ?? `f-${opts.name}`;
  return html`<div class="field">
    <label for="${id}">${opts.label}</label>
    <input id="${id}" name="${opts.name}" type="${opts.type ?? "text"}" value="${opts.value ?? ""}"${opts.hint ? html` aria-describedby="${id}-hint"` : ""} ${opts.attrs ?? ""}>
    ${opts.hint ? html`<p class="hint" id="${id}-hint">${opts.hint}</p>` : ""}
  </div>`;
}

/** Whole numbers with thousands separators, e.g. 12,345. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** { EUR: 12.5, USD: 3 } → "€12.50 · $3.00"; empty → "—". */
export function formatRevenue(byCurrency: Record<string, number>): string {
  const parts = Object.entries(byCurrency)
    .filter(([, v]) => v !== 0)
    .sort((a, b) => b[1] - a[1])
    .map(([cur, v]) => {
      try {
        return new Intl.NumberFormat("en-US", { style: "currency", currency: cur }).format(v);
      } catch {
        return `${v.toFixed(2)} ${cur}`;
      }
    });
  return parts.length ? parts.join(" · ") : "—";
}

/** A UTC time that app.js rewrites in the viewer's timezone; the ISO text shows without JavaScript. */
export function localTime(ms: number): SafeHtml {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" data-local>${iso.slice(0, 16).replace("T", " ")} UTC</time>`;
}
