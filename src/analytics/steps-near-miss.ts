// Near misses for a step pattern that matched nobody: the same path with or without a
// trailing slash or in another case, an event name spelled with other separators, or a
// close spelling of a path or event name that exists. Pure: the caller lists what exists.
import { targetMatcher, type Step } from "../funnels/steps-definition";
import { isLiteral, literalText, parseGlob } from "../funnels/glob";

export type StepKind = "page" | "event";

export interface NearMiss {
  kind: StepKind;
  pattern: string;
  /** Why it is offered: "without the trailing slash", "in this case", "a similar page"… */
  reason: string;
}

export interface Existing {
  /** Distinct page-view paths. */
  paths: string[];
  /** Distinct event names (any type). */
  names: string[];
}

const MAX_SUGGESTIONS = 3;

/**
 * Edits (insert, delete, substitute, swap two neighbours) from a to b; gives up,
 * returning max + 1, once the distance must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      cur[j] = d;
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

const pageKey = (p: string) => p.toLowerCase().replace(/\/+$/, "") || "/";
const nameKey = (n: string) => n.toLowerCase().replace(/[\s_\-.:]+/g, "");

function matchesAny(step: Step, values: string[], kind: StepKind): boolean {
  const m = targetMatcher(step);
  return values.some((v) => (kind === "page" ? m("page_view", "page_view", v) : m("track", v, null)));
}

function validPattern(p: string): boolean {
  return p.length > 0 && parseGlob(p).ok;
}

/** Up to three near misses for `pattern` of the given kind, most likely first. */
export function nearMisses(kind: StepKind, pattern: string, existing: Existing): NearMiss[] {
  const out: NearMiss[] = [];
  const add = (m: NearMiss) => {
    if (out.length < MAX_SUGGESTIONS && m.pattern !== pattern && !out.some((o) => o.kind === m.kind && o.pattern === m.pattern)) out.push(m);
  };
  const g = parseGlob(pattern);
  if (!g.ok) return out;
  const literal = isLiteral(g.tokens) ? literalText(g.tokens) : null;

  if (kind === "page") {
    // Variants of a glob keep its wildcards: without the trailing slash, in lower case.
    const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, "") : pattern;
    if (trimmed !== pattern && validPattern(trimmed) && matchesAny({ name: "", page: trimmed }, existing.paths, "page")) {
      add({ kind, pattern: trimmed, reason: "without the trailing slash" });
    }
    if (literal !== null) {
      for (const p of existing.paths) {
        if (p === literal || pageKey(p) !== pageKey(literal)) continue;
        const reason = p.toLowerCase() === literal.toLowerCase() ? "in this case (paths are case-sensitive)" : literal.endsWith("/") ? "without the trailing slash" : "with a trailing slash";
        add({ kind, pattern: p, reason });
      }
    } else {
      const lower = trimmed.toLowerCase();
      if (lower !== pattern && validPattern(lower) && matchesAny({ name: "", page: lower }, existing.paths, "page")) add({ kind, pattern: lower, reason: "in lower case (paths are case-sensitive)" });
    }
    if (literal !== null) {
      // A page pattern that names an event: "/purchase" when "purchase" is an event.
      const asName = literal.replace(/^\/+|\/+$/g, "");
      for (const n of existing.names) if (asName && nameKey(n) === nameKey(asName)) add({ kind: "event", pattern: n, reason: "an event of that name exists" });
      similar(literal, existing.paths, pageKey).forEach((p) => add({ kind, pattern: p, reason: "a similar page" }));
    }
    return out;
  }

  if (literal !== null) {
    for (const n of existing.names) if (n !== literal && nameKey(n) === nameKey(literal)) add({ kind, pattern: n, reason: "spelled this way in your events" });
    for (const p of existing.paths) if (pageKey(p) === pageKey(`/${literal.replace(/^\/+/, "")}`)) add({ kind: "page", pattern: p, reason: "a page with that path exists" });
    similar(literal, existing.names, nameKey).forEach((n) => add({ kind, pattern: n, reason: "a similar event name" }));
  } else {
    const lower = pattern.toLowerCase();
    if (lower !== pattern && matchesAny({ name: "", event: lower }, existing.names, "event")) add({ kind, pattern: lower, reason: "in lower case (names are case-sensitive)" });
  }
  return out;
}

/** Existing values within a small edit distance of `text` (compared by key), closest first. */
function similar(text: string, values: string[], key: (v: string) => string): string[] {
  const k = key(text);
  const max = k.length < 5 ? 1 : k.length < 12 ? 2 : 3;
  return values
    .map((v) => ({ v, d: editDistance(k, key(v), max) }))
    .filter((x) => x.d <= max && x.v !== text)
    .sort((a, b) => a.d - b.d || (a.v < b.v ? -1 : 1))
    .map((x) => x.v);
}
