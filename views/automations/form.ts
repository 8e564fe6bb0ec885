// The create / edit form of an automation rule. The trigger's own fields are a
// partial that htmx swaps when the trigger type changes.
import { CONDITION_FIELDS, TRIGGER_TYPES, type TriggerType } from "../../src/automations/rule-schema";
import { SPARE_CONDITION_ROWS, type ConditionRow, type RuleFormValues } from "../../src/web/automations-form";
import { card, csrfField, formError } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";
import { automationsBase, rulePath, STYLESHEET } from "./list";

export interface StepOption {
  number: number;
  name: string;
}

const TRIGGER_LABELS: Record<TriggerType, string> = {
  event: "An event happens",
  conversion: "A conversion",
  contact_created: "A new contact",
  step_reached: "A visitor reaches a step",
  abandoned: "A visitor stalls at a step (abandonment)",
};

const OPS: [string, string][] = [
  ["eq", "is"],
  ["neq", "is not"],
  ["contains", "contains"],
];

function selected(on: boolean): SafeHtml {
  return on ? html` selected` : html``;
}

function stepSelect(v: RuleFormValues, steps: StepOption[], exceptLast: boolean): SafeHtml {
  const options = exceptLast ? steps.slice(0, -1) : steps;
  if (!steps.length) {
    return html`<p class="alert warn">This funnel has no steps yet. Define them in Settings → Steps first.</p>
      <input type="hidden" name="step" value="">`;
  }
  return html`<div class="field">
    <label for="r-step">${exceptLast ? "Reached step" : "Step"}</label>
    <select id="r-step" name="step">
      ${options.map((s) => html`<option value="${s.number}"${selected(v.step === String(s.number))}>${s.number}. ${s.name}</option>`)}
    </select>
  </div>`;
}

/** The fields that depend on the trigger type. */
export function triggerFields(v: RuleFormValues, steps: StepOption[]): SafeHtml {
  let inner: SafeHtml;
  switch (v.triggerType) {
    case "event":
      inner = html`<div class="field">
        <label for="r-event">Event name</label>
        <input id="r-event" name="event_name" type="text" maxlength="200" value="${v.eventName}" placeholder="purchase" aria-describedby="r-event-hint">
        <p class="hint" id="r-event-hint">Exact, or a pattern: <code>faq_*</code> matches faq_open and faq_close. Page views are <code>page_view</code>.</p>
      </div>`;
      break;
    case "conversion":
      inner = html`<label class="check"><input type="checkbox" name="verified_only" value="1"${v.verifiedOnly ? html` checked` : ""}> Only verified conversions (sent with the secret key)</label>
        <div class="inline-fields">
          <div class="field">
            <label for="r-min">Minimum revenue</label>
            <input id="r-min" name="min_revenue" type="text" inputmode="decimal" value="${v.minRevenue}" placeholder="any">
          </div>
          <div class="field">
            <label for="r-currency">Currency</label>
            <input id="r-currency" name="currency" type="text" maxlength="3" value="${v.currency}" placeholder="any" autocapitalize="characters">
          </div>
        </div>`;
      break;
    case "contact_created":
      inner = html`<p class="hint">Fires once per contact, when a visitor is first identified (identify, or a conversion with an email).</p>`;
      break;
    case "step_reached":
      inner = html`${stepSelect(v, steps, false)}<p class="hint">Fires once per visitor per run through the funnel (reloads do not count again).</p>`;
      break;
    case "abandoned":
      inner = html`${stepSelect(v, steps, true)}
        <div class="field">
          <label for="r-after">…and not the next step within</label>
          <input id="r-after" name="after" type="text" value="${v.after}" placeholder="1h" aria-describedby="r-after-hint">
          <p class="hint" id="r-after-hint">A delay like 30m, 1h or 2d. Checked once the delay is over; a visitor who went on does not fire.</p>
        </div>`;
      break;
  }
  return html`<div id="trigger-fields">${inner}</div>`;
}

function conditionRow(c: ConditionRow, i: number): SafeHtml {
  return html`<div class="condition-row">
    <input name="cond_field" type="text" list="condition-fields" value="${c.field}" placeholder="field, e.g. props.plan" aria-label="Condition ${i + 1}: field">
    <select name="cond_op" aria-label="Condition ${i + 1}: comparison">
      ${OPS.map(([op, label]) => html`<option value="${op}"${selected(c.op === op)}>${label}</option>`)}
    </select>
    <input name="cond_value" type="text" value="${c.value}" placeholder="value" aria-label="Condition ${i + 1}: value">
  </div>`;
}

export function ruleForm(opts: {
  funnelId: string;
  csrfToken: string;
  values: RuleFormValues;
  steps: StepOption[];
  error: string | null;
  ruleId?: string;
}): SafeHtml {
  const v = opts.values;
  const action = opts.ruleId ? rulePath(opts.funnelId, opts.ruleId) : automationsBase(opts.funnelId);
  const rows = [...v.conditions, ...Array.from({ length: SPARE_CONDITION_ROWS }, () => ({ field: "", op: "eq", value: "" }))].slice(0, 20);
  return html`<form id="rule-form" class="rule-form" method="post" action="${action}">
    ${csrfField(opts.csrfToken)}
    ${formError(opts.error)}
    <div class="field">
      <label for="r-name">Name</label>
      <input id="r-name" name="name" type="text" required maxlength="200" value="${v.name}" placeholder="Purchases to n8n">
    </div>
    <fieldset>
      <legend>When</legend>
      <div class="field">
        <label for="r-type">Trigger</label>
        <select id="r-type" name="trigger_type" hx-get="${automationsBase(opts.funnelId)}/trigger-fields" hx-trigger="change"
          hx-target="#trigger-fields" hx-swap="outerHTML">
          ${TRIGGER_TYPES.map((t) => html`<option value="${t}"${selected(v.triggerType === t)}>${TRIGGER_LABELS[t]}</option>`)}
        </select>
      </div>
      ${triggerFields(v, opts.steps)}
    </fieldset>
    <fieldset>
      <legend>Only if (optional)</legend>
      <datalist id="condition-fields">
        <option value="props.plan"></option>
        ${CONDITION_FIELDS.map((f) => html`<option value="${f}"></option>`)}
      </datalist>
      ${rows.map(conditionRow)}
      <p class="hint">All must hold. Fields: <code>props.KEY</code> for an event property, or source, utm_source, utm_campaign, country, device…
        Compared as text, ignoring case. Empty rows are ignored.</p>
    </fieldset>
    <fieldset>
      <legend>Then send a webhook</legend>
      <div class="field">
        <label for="r-url">URL</label>
        <input id="r-url" name="url" type="url" required maxlength="2048" value="${v.url}" placeholder="https://n8n.example.com/webhook/…">
      </div>
      <div class="field">
        <label for="r-headers">Extra headers</label>
        <textarea id="r-headers" name="headers" rows="2" placeholder="Authorization: Bearer …" aria-describedby="r-headers-hint">${v.headers}</textarea>
        <p class="hint" id="r-headers-hint">One "Name: value" per line. Every delivery is also signed (webhook-id, webhook-timestamp, webhook-signature).</p>
      </div>
    </fieldset>
    <div class="field">
      <label for="r-cooldown">Cooldown per visitor</label>
      <input id="r-cooldown" name="cooldown" type="text" value="${v.cooldown}" placeholder="none" aria-describedby="r-cooldown-hint">
      <p class="hint" id="r-cooldown-hint">After firing for a visitor, stay quiet for them this long (e.g. 1h, 1d). Empty: no cooldown.</p>
    </div>
    <div class="actions">
      <button type="submit" class="primary">${opts.ruleId ? "Save changes" : "Create automation"}</button>
      <a class="button ghost" href="${opts.ruleId ? rulePath(opts.funnelId, opts.ruleId) : automationsBase(opts.funnelId)}">Cancel</a>
    </div>
  </form>`;
}

export function ruleFormPage(opts: {
  user: LayoutUser;
  csrfToken: string;
  funnel: { id: string; name: string };
  values: RuleFormValues;
  steps: StepOption[];
  error: string | null;
  ruleId?: string;
}): SafeHtml {
  const title = opts.ruleId ? "Edit automation" : "New automation";
  return page({
    title,
    user: opts.user,
    csrfToken: opts.csrfToken,
    funnel: opts.funnel,
    active: "automations",
    body: html`${STYLESHEET}
      <p><a href="${automationsBase(opts.funnel.id)}">← Automations</a></p>
      <div class="page-head"><h1>${title}</h1></div>
      ${card({ body: ruleForm({ funnelId: opts.funnel.id, csrfToken: opts.csrfToken, values: opts.values, steps: opts.steps, error: opts.error, ruleId: opts.ruleId }) })}`,
  });
}
