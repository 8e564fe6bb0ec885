// A funnel's steps: the one JSON shape used by the settings page, the API and the
// CLI; its validation (messages name the step: `steps[2].page: pattern "/a[" does
// not parse ...`); loading and saving it in funnels.steps; and the pure rule that
// says whether an event is a hit for a step.
//
// Matching rules (README, "Funnel steps"):
// - `page`: a page_view whose path matches a glob: exact "/pricing", prefix
//   "/blog/*", or any glob with `*` (any run of characters, "/" included), `?` (one
//   character) and `[...]` classes. A pattern ending in a plain character also
//   matches the same path with a trailing "/" ("/pricing" matches "/pricing/").
// - `event`: any event whose name matches (globs allowed, "checkout_*"); the special
//   value "$conversion" matches every event of type conversion, whatever its name.
// - `where`: every listed prop must be present on the event and equal (compared as
//   text, so 5 and "5", true and "true" are equal).
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/open";
import { funnels } from "../db/schema";
import { globToRegExp, globToSqlite, isLiteral, literalText, parseGlob, type GlobToken } from "./glob";

export type StepOrder = "sequential" | "strict";
export type WhereValue = string | number | boolean;

export type Step = { name: string; page?: string; event?: string; where?: Record<string, WhereValue> };

export type StepsDefinition = { window: string; windowMs: number; order: StepOrder; steps: Step[] };

export interface StepsError {
  path: string;
  message: string;
}

export const MIN_STEPS = 2;
export const MAX_STEPS = 20;
export const DEFAULT_WINDOW = "7d";
export const ANY_CONVERSION = "$conversion";

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE };
const MAX_WINDOW_MS = 90 * UNIT_MS.d;

/** "30m" / "12h" / "7d" → milliseconds; null when it is not of that form. */
export function parseWindow(raw: string): number | null {
  const m = /^\s*(\d{1,6})\s*([mhd])\s*$/.exec(raw);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

function windowProblem(raw: string): string | null {
  const ms = parseWindow(raw);
  if (ms === null) return `"${raw}" is not a window: write a number and m, h or d (30m, 12h, 7d)`;
  if (ms < MINUTE) return "must be at least 1m";
  if (ms > MAX_WINDOW_MS) return `"${raw}" is longer than 90d`;
  return null;
}

function pageProblem(pattern: string): string | null {
  if (!pattern.startsWith("/") && !pattern.startsWith("*")) return `pattern "${pattern}" must start with "/" (e.g. "/pricing" or "/blog/*")`;
  const g = parseGlob(pattern);
  return g.ok ? null : `pattern "${pattern}" does not parse: ${g.reason}`;
}

function eventProblem(name: string): string | null {
  if (name.startsWith("$") && name !== ANY_CONVERSION) return `"${name}" is not a known special value (only "${ANY_CONVERSION}", any conversion)`;
  if (name === ANY_CONVERSION) return null;
  const g = parseGlob(name);
  return g.ok ? null : `pattern "${name}" does not parse: ${g.reason}`;
}

/** Field-level check, so a bad pattern is reported even when other fields are wrong too. */
const problem = (check: (v: string) => string | null) => (v: string, ctx: z.RefinementCtx) => {
  const p = check(v);
  if (p) ctx.addIssue({ code: "custom", message: p });
};

const whereValue = z.union([z.string().max(1024, "must be at most 1024 characters"), z.number().finite(), z.boolean()], {
  error: "must be a string, number or boolean",
});

const stepSchema = z
  .strictObject(
    {
      name: z.string({ error: "is required (the step's display name)" }).trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
      page: z.string({ error: "must be a path pattern string" }).trim().min(1, "must not be empty").max(500, "must be at most 500 characters").superRefine(problem(pageProblem)).optional(),
      event: z.string({ error: "must be an event name string" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters").superRefine(problem(eventProblem)).optional(),
      where: z
        .record(z.string().min(1, "keys must not be empty").max(64, "keys must be at most 64 characters"), whereValue, {
          error: 'must be an object of prop conditions, e.g. {"plan": "pro"}',
        })
        .refine((w) => Object.keys(w).length <= 20, "must have at most 20 conditions")
        .optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `unknown key ${i.keys.map((k) => `"${k}"`).join(", ")} (a step has name, page or event, where)` : "must be an object like {\"name\": \"Pricing\", \"page\": \"/pricing\"}") },
  )
  .superRefine((s, ctx) => {
    if (s.page !== undefined && s.event !== undefined) ctx.addIssue({ code: "custom", path: ["event"], message: "a step has either page or event, not both" });
    else if (s.page === undefined && s.event === undefined) ctx.addIssue({ code: "custom", path: ["page"], message: 'a step needs a page pattern ("/pricing") or an event name ("purchase")' });
  });

/** The JSON shape: {"window": "7d", "order": "sequential", "steps": [{"name", "page"|"event", "where"?}]}. */
export const stepsSchema = z.strictObject(
  {
    window: z
      .string({ error: 'must be a string like "30m", "12h" or "7d"' })
      .default(DEFAULT_WINDOW)
      .superRefine(problem(windowProblem)),
    order: z.enum(["sequential", "strict"], { error: 'must be "sequential" or "strict"' }).default("sequential"),
    steps: z
      .array(stepSchema, { error: "must be an array of steps" })
      .min(MIN_STEPS, `must have at least ${MIN_STEPS} steps`)
      .max(MAX_STEPS, `must have at most ${MAX_STEPS} steps`),
  },
  {
    error: (i) =>
      i.code === "unrecognized_keys"
        ? `unknown key ${i.keys.map((k) => `"${k}"`).join(", ")} (expected window, order, steps)`
        : 'must be an object like {"window": "7d", "order": "sequential", "steps": [...]}',
  },
);

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function parseSteps(json: unknown): { ok: true; value: StepsDefinition } | { ok: false; errors: StepsError[] } {
  const r = stepsSchema.safeParse(json);
  if (!r.success) {
    return { ok: false, errors: r.error.issues.map((i) => ({ path: formatPath(i.path) || "(body)", message: i.message })) };
  }
  const steps: Step[] = r.data.steps.map((s) => {
    const step: Step = { name: s.name };
    if (s.page !== undefined) step.page = s.page;
    if (s.event !== undefined) step.event = s.event;
    if (s.where && Object.keys(s.where).length) step.where = { ...s.where };
    return step;
  });
  const window = r.data.window.replace(/\s+/g, "");
  return { ok: true, value: { window, windowMs: parseWindow(window)!, order: r.data.order, steps } };
}

/** "Step 3 (Checkout)" for a path like "steps[2].page", for people reading the settings page. */
export function describeErrorPath(path: string, json?: unknown): string {
  const m = /^steps\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (!m) return path;
  const i = Number(m[1]);
  const raw = (json as { steps?: { name?: unknown }[] } | undefined)?.steps?.[i]?.name;
  const name = typeof raw === "string" && raw.trim() ? ` "${raw.trim()}"` : "";
  return `Step ${i + 1}${name}${m[2] ? ` ${m[2]}` : ""}`;
}

/** The stored/served JSON: window, order, steps (no derived fields). */
export function stepsToJson(def: StepsDefinition): { window: string; order: StepOrder; steps: Step[] } {
  return { window: def.window, order: def.order, steps: def.steps };
}

export function getSteps(db: Db, funnelId: string): StepsDefinition | null {
  const row = db.select({ steps: funnels.steps }).from(funnels).where(eq(funnels.id, funnelId)).get();
  if (!row?.steps) return null;
  try {
    const r = parseSteps(JSON.parse(row.steps));
    return r.ok ? r.value : null;
  } catch {
    return null;
  }
}

/** Writes (or, with null, clears) the definition; false when there is no such funnel. */
export function saveSteps(db: Db, funnelId: string, def: StepsDefinition | null): boolean {
  const steps = def ? JSON.stringify(stepsToJson(def)) : null;
  return db.update(funnels).set({ steps }).where(eq(funnels.id, funnelId)).returning({ id: funnels.id }).all().length > 0;
}

// ---- matching -------------------------------------------------------------------

export interface MatchableEvent {
  type: string;
  name: string;
  path: string | null;
  props: Record<string, unknown> | null;
}

/** Auto-captured by the SDK and passive: they never break strict order. */
export const PASSIVE_EVENT_NAMES = ["scroll_depth", "section_view", "form_submit"] as const;
const PASSIVE = new Set<string>(PASSIVE_EVENT_NAMES);

/** Auto-captured events that never break strict order. */
export function isPassiveEvent(name: string): boolean {
  return PASSIVE.has(name);
}

/**
 * Whether an event counts as "the next thing the visitor did" in strict order:
 * page views, conversions and custom events, except the passive auto-captured ones.
 * identify is bookkeeping, not an action, so it never breaks the order either.
 */
export function breaksStrictOrder(e: { type: string; name: string }): boolean {
  if (e.type === "page_view" || e.type === "conversion") return true;
  return e.type === "track" && !isPassiveEvent(e.name);
}

const regexCache = new Map<string, RegExp>();

function compiled(kind: "page" | "event", pattern: string): RegExp {
  const key = `${kind}\u0000${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    const g = parseGlob(pattern);
    // An unparsable pattern never reaches here through parseSteps; match nothing if it does.
    re = g.ok ? globToRegExp(g.tokens, kind === "page" && endsPlain(g.tokens) ? "/?" : "") : /$^/;
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

function endsPlain(tokens: GlobToken[]): boolean {
  const last = tokens.at(-1);
  return last?.kind === "lit" && last.ch !== "/";
}

function sameValue(actual: unknown, expected: WhereValue): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof actual === "object") return false;
  return actual === expected || String(actual) === String(expected);
}

/** The type/name/path part of a step (its `where` aside), compiled once per step object. */
export type TargetMatcher = (type: string, name: string, path: string | null) => boolean;

const matchers = new WeakMap<Step, TargetMatcher>();

export function targetMatcher(step: Step): TargetMatcher {
  let m = matchers.get(step);
  if (m) return m;
  if (step.page !== undefined) {
    const g = parseGlob(step.page);
    const lenient = g.ok && endsPlain(g.tokens);
    if (g.ok && isLiteral(g.tokens)) {
      const exact = literalText(g.tokens);
      const slashed = lenient ? `${exact}/` : exact;
      m = (type, _name, path) => type === "page_view" && (path === exact || path === slashed);
    } else {
      const re = compiled("page", step.page);
      m = (type, _name, path) => type === "page_view" && path !== null && re.test(path);
    }
  } else if (step.event === ANY_CONVERSION) m = (type) => type === "conversion";
  else if (step.event !== undefined) {
    const g = parseGlob(step.event);
    if (g.ok && isLiteral(g.tokens)) {
      const exact = literalText(g.tokens);
      m = (_type, name) => name === exact;
    } else {
      const re = compiled("event", step.event);
      m = (_type, name) => re.test(name);
    }
  } else m = () => false;
  matchers.set(step, m);
  return m;
}

/** Whether the event's props meet every condition of the step's `where` (true when it has none). */
export function propsMatch(props: Record<string, unknown> | null, where: Step["where"]): boolean {
  if (!where) return true;
  for (const k in where) {
    if (!props || !Object.hasOwn(props, k) || !sameValue(props[k], where[k])) return false;
  }
  return true;
}

export function eventMatchesStep(e: MatchableEvent, step: Step): boolean {
  return targetMatcher(step)(e.type, e.name, e.path) && propsMatch(e.props, step.where);
}

/**
 * What SQL can check cheaply for a step (the `where` props are checked in
 * TypeScript): page steps give GLOBs for path, event steps a GLOB for name or
 * "any conversion".
 */
export type StepSqlFilter =
  | { kind: "page"; globs: string[]; literals?: string[] }
  | { kind: "event"; glob: string; literal?: string }
  | { kind: "conversion" }
  | { kind: "none" };

export function stepSqlFilter(step: Step): StepSqlFilter {
  if (step.event === ANY_CONVERSION) return { kind: "conversion" };
  const pattern = step.page ?? step.event ?? "";
  const g = parseGlob(pattern);
  if (!g.ok) return { kind: "none" };
  const glob = globToSqlite(g.tokens);
  // Plain text compares with "=", which is cheaper than GLOB.
  const literal = isLiteral(g.tokens) ? literalText(g.tokens) : undefined;
  if (step.page === undefined) return { kind: "event", glob, literal };
  const lenient = endsPlain(g.tokens);
  return {
    kind: "page",
    globs: lenient ? [glob, `${glob}/`] : [glob],
    literals: literal === undefined ? undefined : lenient ? [literal, `${literal}/`] : [literal],
  };
}
