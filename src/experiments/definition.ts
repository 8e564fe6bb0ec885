// What an experiment is, parsed from what a founder typed (CLI flags, a form, JSON):
// a key, 2–4 weighted variants (the first is the control), a primary metric, and
// optionally split URLs. Pure: every error is an InvalidInput that says what is wrong.
import { InvalidInput } from "../http/errors";

export interface Variant {
  name: string;
  /** Whole percent; the variants' weights sum to 100. */
  weight: number;
}

export type Metric = { kind: "step"; step: number } | { kind: "conversion"; name: string } | { kind: "revenue" };

export interface ExperimentInput {
  key: string;
  variants: Variant[];
  metric: string;
  secondaryMetrics: string[];
  splitUrls: Record<string, string>;
  minimumDetectableEffect: number;
}

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;
export const DEFAULT_MDE = 0.1;
const NAME = /^[A-Za-z0-9_-]{1,32}$/;
const KEY = /^[A-Za-z0-9_-]{1,64}$/;

const bad = (code: string, message: string) => new InvalidInput(code, message);

export function parseKey(raw: unknown): string {
  if (typeof raw !== "string" || !KEY.test(raw)) throw bad("invalid_key", `key: expected 1–64 letters, digits, "-" or "_" (e.g. headline), got ${JSON.stringify(raw ?? null)}`);
  return raw;
}

/** "a:50,b:50" or [{name, weight}] → variants, checked. */
export function parseVariants(raw: unknown): Variant[] {
  let list: unknown[];
  if (typeof raw === "string") list = raw.split(",").map((part) => {
    const [name, weight, ...rest] = part.trim().split(":");
    return { name, weight: rest.length || weight === undefined || weight.trim() === "" ? NaN : Number(weight) };
  });
  else if (Array.isArray(raw)) list = raw;
  else throw bad("invalid_variants", 'variants: expected "a:50,b:50" or a list of {"name","weight"}');
  if (list.length < MIN_VARIANTS || list.length > MAX_VARIANTS) throw bad("invalid_variants", `variants: expected ${MIN_VARIANTS} to ${MAX_VARIANTS}, got ${list.length}`);
  const out: Variant[] = [];
  for (const [i, v] of list.entries()) {
    const { name, weight } = (v ?? {}) as { name?: unknown; weight?: unknown };
    if (typeof name !== "string" || !NAME.test(name)) throw bad("invalid_variants", `variants[${i}].name: expected 1–32 letters, digits, "-" or "_", got ${JSON.stringify(name ?? null)}`);
    if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 1 || weight > 99) throw bad("invalid_variants", `variants[${i}].weight: expected a whole percent from 1 to 99 (e.g. ${name}:50)`);
    if (out.some((o) => o.name === name)) throw bad("invalid_variants", `variants: "${name}" is named twice`);
    out.push({ name, weight });
  }
  const sum = out.reduce((s, v) => s + v.weight, 0);
  if (sum !== 100) throw bad("invalid_variants", `variants: weights must sum to 100, they sum to ${sum}`);
  return out;
}

export function parseMetric(raw: unknown, field = "metric"): Metric {
  const s = typeof raw === "string" ? raw.trim() : "";
  if (s === "revenue") return { kind: "revenue" };
  const step = /^step:(\d{1,2})$/.exec(s);
  if (step && +step[1] >= 1) return { kind: "step", step: +step[1] };
  if (s.startsWith("conversion:") && s.length > 11 && s.length <= 211) return { kind: "conversion", name: s.slice(11) };
  throw bad("invalid_metric", `${field}: expected step:N (a funnel step, from 1), conversion:NAME or revenue, got ${JSON.stringify(raw ?? null)}`);
}

export function metricText(m: Metric): string {
  return m.kind === "step" ? `step:${m.step}` : m.kind === "conversion" ? `conversion:${m.name}` : "revenue";
}

/** In plain words, for the dashboard. */
export function describeMetric(m: Metric, stepName?: string): string {
  if (m.kind === "revenue") return "verified net revenue per visitor (a conversion is a paying visitor)";
  if (m.kind === "conversion") return `the conversion "${m.name}"`;
  return `reaching step ${m.step}${stepName ? ` (${stepName})` : ""}`;
}

/** {b: "https://…"} or ["b=https://…"] → split URLs of known variants. */
export function parseSplitUrls(raw: unknown, variants: Variant[]): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  let pairs: [string, unknown][];
  if (Array.isArray(raw)) pairs = raw.map((p) => { const s = String(p); const i = s.indexOf("="); return [s.slice(0, i), i < 0 ? "" : s.slice(i + 1)]; });
  else if (typeof raw === "object") pairs = Object.entries(raw);
  else throw bad("invalid_split_url", 'splitUrls: expected {"b": "https://…"} (or --split-url b=https://…)');
  const out: Record<string, string> = {};
  for (const [name, url] of pairs) {
    if (!variants.some((v) => v.name === name)) throw bad("invalid_split_url", `splitUrls: "${name}" is not one of the variants (${variants.map((v) => v.name).join(", ")})`);
    let u: URL | null = null;
    try {
      u = new URL(String(url));
    } catch {}
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) throw bad("invalid_split_url", `splitUrls.${name}: expected an http(s) URL, got ${JSON.stringify(url)}`);
    out[name] = u.href;
  }
  if (Object.keys(out).length && !Object.keys(out).some((n) => n !== variants[0].name)) throw bad("invalid_split_url", "splitUrls: name the URL of at least one variant other than the control");
  return out;
}

export function parseMde(raw: unknown): number {
  if (raw === undefined || raw === null || raw === "") return DEFAULT_MDE;
  const n = typeof raw === "string" ? Number(raw.replace(/%$/, "")) / (raw.endsWith("%") ? 100 : 1) : raw;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 10) throw bad("invalid_mde", `minimumDetectableEffect: expected a relative lift such as 0.1 or "10%", got ${JSON.stringify(raw)}`);
  return n;
}

/** A whole create request (JSON body or CLI flags made into one). */
export function parseExperimentInput(body: Record<string, unknown>): ExperimentInput {
  const key = parseKey(body.key);
  const variants = parseVariants(body.variants);
  const metric = metricText(parseMetric(body.metric));
  const rawSecondary = body.secondaryMetrics ?? [];
  if (!Array.isArray(rawSecondary) || rawSecondary.length > 5) throw bad("invalid_metric", "secondaryMetrics: expected a list of at most 5 metrics");
  const secondaryMetrics = rawSecondary.map((m, i) => metricText(parseMetric(m, `secondaryMetrics[${i}]`)));
  return { key, variants, metric, secondaryMetrics, splitUrls: parseSplitUrls(body.splitUrls, variants), minimumDetectableEffect: parseMde(body.minimumDetectableEffect) };
}
