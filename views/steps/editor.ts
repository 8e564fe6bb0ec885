// The steps editor: the partial the settings page loads into <section id="steps-settings">,
// also served as a page of its own. Rows are edited server-side (add, remove, move):
// every button posts the whole form and gets the re-rendered editor back.
import { CHECK_DAYS, type StepCheck } from "../../src/store/journey-reader";
import { describeErrorPath, type StepsError } from "../../src/funnels/steps-definition";
import type { EditorRow, EditorState } from "../../src/web/steps-editor-form";
import { csrfField, notice } from "../components";
import { html, type SafeHtml } from "../html";

export interface EditorView {
  funnelId: string;
  csrfToken: string;
  state: EditorState;
  canEdit: boolean;
  errors?: StepsError[];
  /** The JSON the errors refer to, so messages can name steps. */
  errorJson?: unknown;
  message?: { text: string; tone: "good" | "info" | "warn" };
  /** The saved definition as JSON text, for the API/CLI hint. */
  savedJson?: string | null;
  /** After a save: what each row's pattern matched in the last 30 days, row by row. */
  checks?: StepCheck[];
  maxRows: number;
}

const WINDOWS = ["30m", "1h", "12h", "1d", "7d", "14d", "30d", "90d"];

function rowErrors(errors: StepsError[], i: number): StepsError[] {
  return errors.filter((e) => e.path === `steps[${i}]` || e.path.startsWith(`steps[${i}].`));
}

function row(v: EditorView, r: EditorRow, i: number, count: number): SafeHtml {
  const errs = rowErrors(v.errors ?? [], i);
  const id = `step-${i}`;
  const errId = `${id}-error`;
  const invalid = (field: string) => errs.some((e) => e.path === `steps[${i}].${field}` || (field === "pattern" && /\.(page|event)$/.test(e.path)));
  const aria = (field: string) => (invalid(field) ? html` aria-invalid="true" aria-describedby="${errId}"` : "");
  return html`<li class="step-row${errs.length ? " has-error" : ""}" id="${id}">
    <span class="step-num" aria-hidden="true">${i + 1}</span>
    <div class="step-fields">
      <label class="visually-hidden" for="${id}-name">Step ${i + 1} name</label>
      <input id="${id}-name" name="name_${i}" type="text" value="${r.name}" placeholder="Name, e.g. Pricing" maxlength="100"${aria("name")}>
      <label class="visually-hidden" for="${id}-kind">Step ${i + 1} kind</label>
      <select id="${id}-kind" name="kind_${i}">
        <option value="page"${r.kind === "page" ? html` selected` : ""}>Page view</option>
        <option value="event"${r.kind === "event" ? html` selected` : ""}>Event</option>
      </select>
      <label class="visually-hidden" for="${id}-pattern">Step ${i + 1} path pattern or event name</label>
      <input id="${id}-pattern" name="pattern_${i}" type="text" value="${r.pattern}" placeholder="/pricing*  or  purchase" class="mono"${aria("pattern")}>
      <label class="visually-hidden" for="${id}-where">Step ${i + 1} property conditions</label>
      <input id="${id}-where" name="where_${i}" type="text" value="${r.where}" placeholder="where: plan=pro (optional)" class="mono"${aria("where")}>
    </div>
    <div class="step-buttons">
      <button type="submit" class="small ghost" name="op" value="up:${i}" aria-label="Move step ${i + 1} up"${i === 0 ? html` disabled` : ""}>↑</button>
      <button type="submit" class="small ghost" name="op" value="down:${i}" aria-label="Move step ${i + 1} down"${i === count - 1 ? html` disabled` : ""}>↓</button>
      <button type="submit" class="small ghost" name="op" value="remove:${i}" aria-label="Remove step ${i + 1}">✕</button>
    </div>
    ${errs.length ? html`<ul class="step-error" id="${errId}">${errs.map((e) => html`<li>${fieldOf(e.path)}${e.message}</li>`)}</ul>` : ""}
    ${v.checks?.[i] ? checkLine(v.checks[i], i) : ""}
  </li>`;
}

const visitorsText = (c: { visitors: number; atLeast: boolean }) =>
  `${c.atLeast ? "at least " : ""}${c.visitors.toLocaleString("en-US")} ${c.visitors === 1 ? "visitor" : "visitors"}`;

/** What the saved pattern matched; on none, a warning and near misses to use instead. */
function checkLine(c: StepCheck, i: number): SafeHtml {
  if (c.visitors > 0) return html`<p class="step-check good">✓ ${visitorsText(c)} in the last ${CHECK_DAYS} days</p>`;
  return html`<div class="step-check warn" role="status"><strong>No visitor matched this in the last ${CHECK_DAYS} days.</strong>
    ${c.suggestions.length
      ? html`Did you mean:<ul>${c.suggestions.map(
          (s) => html`<li><button type="submit" class="small" name="op" value="use:${i}:${s.kind}:${s.pattern}">Use ${s.kind === "page" ? "page" : "event"} <code>${s.pattern}</code></button>
            <span class="muted">${s.reason} · ${visitorsText(s)}</span></li>`,
        )}</ul>`
      : html`Check the spelling against the Pages and Events panels, or leave it if this page or event is new.`}</div>`;
}

function fieldOf(path: string): string {
  const m = /^steps\[\d+\]\.(\w+)/.exec(path);
  return m ? `${m[1]}: ` : "";
}

function readOnly(v: EditorView): SafeHtml {
  if (!v.state.rows.length) return html`<p class="muted">No steps are defined yet. An owner can define them here.</p>`;
  return html`<p class="muted">Order: ${v.state.order} · window ${v.state.window}. Only an owner can change the steps.</p>
    <ol class="step-list">${v.state.rows.map(
      (r) => html`<li><strong>${r.name}</strong> <span class="muted">${r.kind === "page" ? "page" : "event"}</span> <code>${r.pattern}</code>${r.where ? html` <span class="muted">where</span> <code>${r.where}</code>` : ""}</li>`,
    )}</ol>`;
}

export function stepsEditor(v: EditorView): SafeHtml {
  const action = `/funnels/${encodeURIComponent(v.funnelId)}/steps/editor`;
  const errors = v.errors ?? [];
  const { state } = v;
  const general = errors.filter((e) => !e.path.startsWith("steps["));
  return html`<div id="steps-editor"><link rel="stylesheet" href="/assets/steps.css">
    <header class="card-head"><h2>Funnel steps</h2>
      <div class="card-actions"><a class="button small" href="/funnels/${encodeURIComponent(v.funnelId)}/steps">View the report</a></div>
    </header>
    <div class="card-body">
    ${v.message ? notice(v.message.text, v.message.tone) : ""}
    ${errors.length
      ? html`<div class="alert bad" role="alert"><strong>Nothing was saved.</strong> Fix ${errors.length === 1 ? "this problem" : `these ${errors.length} problems`}:
          <ul>${errors.map((e) => html`<li>${describeErrorPath(e.path, v.errorJson)}: ${e.message}</li>`)}</ul></div>`
      : ""}
    ${!v.canEdit
      ? readOnly(v)
      : html`<form method="post" action="${action}" hx-post="${action}" hx-target="#steps-editor" hx-swap="outerHTML" class="steps-form">
      ${csrfField(v.csrfToken)}
      <button type="submit" name="op" value="save" class="visually-hidden" tabindex="-1" aria-hidden="true">Save</button>
      <input type="hidden" name="rows" value="${state.rows.length}">
      <div class="steps-meta">
        <div class="field">
          <label for="steps-window">Conversion window</label>
          <input id="steps-window" name="window" type="text" value="${state.window}" list="steps-windows" class="mono" aria-describedby="steps-window-hint"${general.some((e) => e.path === "window") ? html` aria-invalid="true"` : ""}>
          <datalist id="steps-windows">${WINDOWS.map((w) => html`<option value="${w}"></option>`)}</datalist>
          <p class="hint" id="steps-window-hint">From step 1 to the last step: 30m, 12h, 7d … up to 90d.</p>
        </div>
        <div class="field">
          <label for="steps-order">Order</label>
          <select id="steps-order" name="order" aria-describedby="steps-order-hint">
            <option value="sequential"${state.order !== "strict" ? html` selected` : ""}>Sequential: other events may come between</option>
            <option value="strict"${state.order === "strict" ? html` selected` : ""}>Strict: each step is the next action</option>
          </select>
          <p class="hint" id="steps-order-hint">Strict order ignores scroll, section-view and form auto-captures.</p>
        </div>
      </div>
      <ol class="step-rows">${state.rows.map((r, i) => row(v, r, i, state.rows.length))}</ol>
      <p class="hint">Page patterns: exact <code>/pricing</code>, prefix <code>/blog/*</code>, globs with <code>*</code> <code>?</code> <code>[a-z]</code>.
        Events by name (<code>checkout_*</code> allowed), or <code>$conversion</code> for any conversion.
        Conditions: <code>plan=pro, seats=2</code> (all must hold). 2 to ${v.maxRows} steps.</p>
      <div class="actions">
        <button type="submit" name="op" value="add"${state.rows.length >= v.maxRows ? html` disabled` : ""}>Add a step</button>
        <button type="submit" name="op" value="save" class="primary">Save steps</button>
      </div>
    </form>`}
    ${v.savedJson
      ? html`<details class="steps-json"><summary>As JSON, for the API and the CLI</summary>
          <pre><code>${v.savedJson}</code></pre>
          <p class="hint"><code>PUT /api/v1/funnels/${v.funnelId}/steps</code> with the secret key, or <code>aurea funnel steps ${v.funnelId} --file steps.json</code>.</p>
        </details>`
      : ""}
    </div>
  </div>`;
}
