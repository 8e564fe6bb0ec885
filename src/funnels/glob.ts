// Glob patterns for funnel steps: `*` any run of characters (including "/"), `?` one
// character, `[abc]` / `[a-z]` / `[!abc]` one character from (or not from) a set,
// `\x` a literal x. One parse gives both a RegExp (for matching in TypeScript) and
// an SQLite GLOB string (for the pre-filter in SQL), so the two cannot disagree.

export type GlobToken =
  | { kind: "lit"; ch: string }
  | { kind: "star" }
  | { kind: "one" }
  | { kind: "class"; negate: boolean; chars: string[]; ranges: [string, string][] };

export type GlobParse = { ok: true; tokens: GlobToken[] } | { ok: false; reason: string };

const ALNUM = /^[A-Za-z0-9]$/;

export function parseGlob(pattern: string): GlobParse {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") tokens.push({ kind: "one" });
    else if (c === "\\") {
      if (i + 1 >= chars.length) return { ok: false, reason: `a "\\" at the end escapes nothing` };
      tokens.push({ kind: "lit", ch: chars[++i] });
    } else if (c === "[") {
      const start = i;
      let j = i + 1;
      const negate = chars[j] === "!" || chars[j] === "^";
      if (negate) j++;
      const set: string[] = [];
      const ranges: [string, string][] = [];
      let closed = false;
      for (let first = true; j < chars.length; j++, first = false) {
        const d = chars[j];
        if (d === "]" && !first) {
          closed = true;
          break;
        }
        if (d === "\\") {
          if (j + 1 >= chars.length) break;
          set.push(chars[++j]);
          continue;
        }
        if (chars[j + 1] === "-" && j + 2 < chars.length && chars[j + 2] !== "]") {
          const lo = d;
          const hi = chars[j + 2];
          if (!ALNUM.test(lo) || !ALNUM.test(hi)) return { ok: false, reason: `range "${lo}-${hi}" must be between letters or digits` };
          if (lo > hi) return { ok: false, reason: `range "${lo}-${hi}" is backwards` };
          ranges.push([lo, hi]);
          j += 2;
          continue;
        }
        set.push(d);
      }
      if (!closed) return { ok: false, reason: `the "[" at position ${start + 1} is never closed with "]"` };
      tokens.push({ kind: "class", negate, chars: set, ranges });
      i = j;
    } else tokens.push({ kind: "lit", ch: c });
  }
  return { ok: true, tokens };
}

// With the "u" flag only syntax characters (and "-" inside a class) may be escaped.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|\/]/;
const reChar = (c: string) => (REGEX_SPECIAL.test(c) ? `\\${c}` : c);
const reClassChar = (c: string) => (c === "-" ? "\\-" : reChar(c));

/** Anchored, whole-string RegExp. */
export function globToRegExp(tokens: GlobToken[], suffix = ""): RegExp {
  let src = "";
  for (const t of tokens) {
    if (t.kind === "lit") src += reChar(t.ch);
    else if (t.kind === "star") src += "[\\s\\S]*";
    else if (t.kind === "one") src += "[\\s\\S]";
    else src += `[${t.negate ? "^" : ""}${t.chars.map(reClassChar).join("")}${t.ranges.map(([a, b]) => `${a}-${b}`).join("")}]`;
  }
  return new RegExp(`^${src}${suffix}$`, "u");
}

/** The same pattern in SQLite's GLOB syntax (which has no escape character: `[*]` is a literal star). */
export function globToSqlite(tokens: GlobToken[]): string {
  let out = "";
  for (const t of tokens) {
    if (t.kind === "lit") out += t.ch === "*" || t.ch === "?" || t.ch === "[" ? `[${t.ch}]` : t.ch;
    else if (t.kind === "star") out += "*";
    else if (t.kind === "one") out += "?";
    else out += sqliteClass(t);
  }
  return out;
}

// In an SQLite class, "]" is literal only first, "-" only last, and "^" anywhere but first.
function sqliteClass(t: Extract<GlobToken, { kind: "class" }>): string {
  const set = new Set(t.chars);
  const plain = [...set].filter((c) => c !== "]" && c !== "-" && c !== "^");
  const body =
    (set.has("]") ? "]" : "") + plain.join("") + t.ranges.map(([a, b]) => `${a}-${b}`).join("") + (set.has("^") ? "^" : "") + (set.has("-") ? "-" : "");
  if (!t.negate && body === "^") return "^";
  if (body === "") return t.negate ? "?" : "[]"; // "[!]" never parses; kept total anyway
  return `[${t.negate ? "^" : ""}${body}]`;
}

/** Whether a pattern contains anything but literal characters. */
export function isLiteral(tokens: GlobToken[]): boolean {
  return tokens.every((t) => t.kind === "lit");
}

export function literalText(tokens: GlobToken[]): string {
  return tokens.map((t) => (t.kind === "lit" ? t.ch : "")).join("");
}
