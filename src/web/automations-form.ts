// The dashboard's rule form <-> the API's rule JSON. The form is flat text; the
// JSON it becomes is validated by the same schema as the API's.
import { formatDuration, TRIGGER_TYPES, type TriggerType } from "../automations/rule-schema";
import type { Rule } from "../automations/rules";
import { formField, formList } from "./form";

export interface ConditionRow {
  field: string;
  op: string;
  value: string;
}

export interface RuleFormValues {
  name: string;
  triggerType: TriggerType;
  eventName: string;
  verifiedOnly: boolean;
  minRevenue: string;
  currency: string;
  step: string;
  after: string;
  conditions: ConditionRow[];
  url: string;
  headers: string;
  cooldown: string;
}

/** Blank condition rows the form always offers below the filled ones. */
export const SPARE_CONDITION_ROWS = 2;

export function emptyFormValues(): RuleFormValues {
  return {
    name: "", triggerType: "event", eventName: "", verifiedOnly: false, minRevenue: "", currency: "", step: "", after: "1h",
    conditions: [], url: "", headers: "", cooldown: "",
  };
}

export function ruleToFormValues(rule: Rule): RuleFormValues {
  const v = emptyFormValues();
  const t = rule.trigger;
  v.name = rule.name;
  v.triggerType = t.type;
  if (t.type === "event") v.eventName = t.name;
  if (t.type === "conversion") {
    v.verifiedOnly = Boolean(t.verifiedOnly);
    v.minRevenue = t.minRevenue === undefined ? "" : String(t.minRevenue);
    v.currency = t.currency ?? "";
  }
  if (t.type === "step_reached" || t.type === "abandoned") v.step = String(t.step);
  if (t.type === "abandoned") v.after = formatDuration(t.after);
  v.conditions = rule.conditions.map((c) => ({ field: c.field, op: c.op, value: String(c.value) }));
  v.url = rule.action.url;
  v.headers = Object.entries(rule.action.headers ?? {})
    .map(([k, val]) => `${k}: ${val}`)
    .join("\n");
  v.cooldown = rule.cooldownSeconds ? formatDuration(rule.cooldownSeconds) : "";
  return v;
}

export function formValuesFromBody(body: unknown): RuleFormValues {
  const type = formField(body, "trigger_type");
  const fields = formList(body, "cond_field");
  const ops = formList(body, "cond_op");
  const values = formList(body, "cond_value");
  const conditions = fields
    .map((field, i) => ({ field: field.trim(), op: ops[i] ?? "eq", value: values[i] ?? "" }))
    .filter((c) => c.field !== "" || c.value.trim() !== "");
  return {
    name: formField(body, "name").trim(),
    triggerType: (TRIGGER_TYPES as readonly string[]).includes(type) ? (type as TriggerType) : "event",
    eventName: formField(body, "event_name").trim(),
    verifiedOnly: formField(body, "verified_only") !== "",
    minRevenue: formField(body, "min_revenue").trim(),
    currency: formField(body, "currency").trim(),
    step: formField(body, "step").trim(),
    after: formField(body, "after").trim(),
    conditions,
    url: formField(body, "url").trim(),
    headers: formField(body, "headers"),
    cooldown: formField(body, "cooldown").trim(),
  };
}

/** A number when the text is one, else the text itself (so the schema names the problem). */
function numberOr(text: string): number | string {
  return text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
}

/** "Name: value" lines → headers; a line without a colon is reported. */
export function parseHeaderLines(text: string): { headers: Record<string, string>; error: string | null } {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { headers, error: `Headers, line ${i + 1}: write "Name: value" (e.g. "Authorization: Bearer …").` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers, error: null };
}

/** The API's rule JSON for these values (validated by the caller through the service). */
export function formValuesToJson(v: RuleFormValues): { json: Record<string, unknown>; error: string | null } {
  let trigger: Record<string, unknown>;
  switch (v.triggerType) {
    case "event":
      trigger = { type: "event", name: v.eventName };
      break;
    case "conversion":
      trigger = { type: "conversion" };
      if (v.verifiedOnly) trigger.verifiedOnly = true;
      if (v.minRevenue) trigger.minRevenue = numberOr(v.minRevenue);
      if (v.currency) trigger.currency = v.currency;
      break;
    case "contact_created":
      trigger = { type: "contact_created" };
      break;
    case "step_reached":
      trigger = { type: "step_reached", step: numberOr(v.step) };
      break;
    case "abandoned":
      trigger = { type: "abandoned", step: numberOr(v.step), after: v.after };
      break;
  }
  const { headers, error } = parseHeaderLines(v.headers);
  const json: Record<string, unknown> = {
    name: v.name,
    trigger,
    conditions: v.conditions.map((c) => ({ field: c.field, op: c.op, value: c.value })),
    action: { type: "webhook", url: v.url, ...(Object.keys(headers).length ? { headers } : {}) },
    cooldown: v.cooldown === "" ? null : v.cooldown,
  };
  return { json, error };
}

const LABELS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^name$/, () => "Name"],
  [/^trigger\.name$/, () => "Event name"],
  [/^trigger\.minRevenue$/, () => "Minimum revenue"],
  [/^trigger\.currency$/, () => "Currency"],
  [/^trigger\.step$/, () => "Step"],
  [/^trigger\.after$/, () => "Delay"],
  [/^trigger(\.type)?$/, () => "Trigger"],
  [/^conditions\[(\d+)\]\.(\w+)$/, (m) => `Condition ${Number(m[1]) + 1}, ${m[2]}`],
  [/^conditions$/, () => "Conditions"],
  [/^action\.url$/, () => "URL"],
  [/^action\.headers\.?(.*)$/, (m) => (m[1] ? `Headers (${m[1]})` : "Headers")],
  [/^cooldown$/, () => "Cooldown"],
];

/** The service's "trigger.step: must be …" messages in the form's words. */
export function friendlyError(message: string): string {
  return message
    .split("; ")
    .map((part) => {
      const colon = part.indexOf(": ");
      if (colon < 0) return part;
      const path = part.slice(0, colon);
      for (const [re, label] of LABELS) {
        const m = path.match(re);
        if (m) return `${label(m)}: ${part.slice(colon + 2)}`;
      }
      return part;
    })
    .join(". ");
}
