// The steps editor's form: rows of (name, kind, pattern, where) ↔ the steps JSON,
// and the row operations its buttons send (add, remove, move up/down).
import { MAX_STEPS, parseSteps, type Step, type StepsDefinition, type StepsError, type WhereValue } from "../funnels/steps-definition";
import { formField } from "./form";

export interface EditorRow {
  name: string;
  kind: "page" | "event";
  pattern: string;
  /** "plan=pro, seats=2" */
  where: string;
}

export interface EditorState {
  window: string;
  order: string;
  rows: EditorRow[];
}

export const MAX_ROWS = MAX_STEPS;

export function whereToText(where: Step["where"]): string {
  return where ? Object.entries(where).map(([k, v]) => `${k}=${v}`).join(", ") : "";
}

export function stateFromDefinition(def: { window: string; order: string; steps: Step[] }): EditorState {
  return {
    window: def.window,
    order: def.order,
    rows: def.steps.map((s) => ({ name: s.name, kind: s.page !== undefined ? "page" : "event", pattern: s.page ?? s.event ?? "", where: whereToText(s.where) })),
  };
}

export function stateFromForm(body: unknown): EditorState {
  const count = Math.min(Math.max(Number(formField(body, "rows")) || 0, 0), MAX_ROWS + 1);
  const rows: EditorRow[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      name: formField(body, `name_${i}`),
      kind: formField(body, `kind_${i}`) === "event" ? "event" : "page",
      pattern: formField(body, `pattern_${i}`),
      where: formField(body, `where_${i}`),
    });
  }
  return { window: formField(body, "window").trim(), order: formField(body, "order"), rows };
}

/**
 * Applies "add", "remove:2", "up:2", "down:2", and "use:2:page:/checkout" (a suggested
 * pattern for row 2; the pattern may itself hold ":"); anything else leaves the rows as they are.
 */
export function applyOp(state: EditorState, op: string): EditorState {
  const rows = [...state.rows];
  const [verb, raw, kind] = op.split(":");
  const i = Number(raw);
  if (verb === "use" && i >= 0 && i < rows.length && (kind === "page" || kind === "event")) {
    const pattern = op.split(":").slice(3).join(":");
    if (pattern) rows[i] = { ...rows[i], kind, pattern };
  } else if (verb === "add" && rows.length < MAX_ROWS) rows.push({ name: "", kind: "page", pattern: "", where: "" });
  else if (verb === "remove" && i >= 0 && i < rows.length) rows.splice(i, 1);
  else if (verb === "up" && i > 0 && i < rows.length) [rows[i - 1], rows[i]] = [rows[i], rows[i - 1]];
  else if (verb === "down" && i >= 0 && i < rows.length - 1) [rows[i], rows[i + 1]] = [rows[i + 1], rows[i]];
  return { ...state, rows };
}

function whereValue(raw: string): WhereValue {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (/^-?\d{1,15}(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** "plan=pro, seats=2" → {plan: "pro", seats: 2}; a part without "=" is an error. */
export function parseWhereText(text: string): { ok: true; value: Record<string, WhereValue> | undefined } | { ok: false; message: string } {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return { ok: true, value: undefined };
  const out: Record<string, WhereValue> = {};
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq <= 0) return { ok: false, message: `"${p}" is not a condition: write key=value, e.g. plan=pro` };
    out[p.slice(0, eq).trim()] = whereValue(p.slice(eq + 1).trim());
  }
  return { ok: true, value: out };
}

/** The editor's rows as the steps JSON, validated by the same rules as the API. */
export function definitionFromState(state: EditorState): { ok: true; value: StepsDefinition } | { ok: false; errors: StepsError[]; json: unknown } {
  const whereErrors: StepsError[] = [];
  const steps = state.rows.map((r, i) => {
    const step: Record<string, unknown> = { name: r.name };
    step[r.kind] = r.pattern;
    const w = parseWhereText(r.where);
    if (!w.ok) whereErrors.push({ path: `steps[${i}].where`, message: w.message });
    else if (w.value) step.where = w.value;
    return step;
  });
  const json = { window: state.window || undefined, order: state.order || undefined, steps };
  const parsed = parseSteps(json);
  if (parsed.ok && !whereErrors.length) return parsed;
  const errors = [...(parsed.ok ? [] : parsed.errors), ...whereErrors];
  const order = (p: string) => Number(/^steps\[(\d+)\]/.exec(p)?.[1] ?? -1);
  errors.sort((a, b) => order(a.path) - order(b.path));
  return { ok: false, errors, json };
}
