// Recorded URLs and referrers without personal data. A GET form puts its fields into
// the next page's URL (/thanks?email=…&phone=…), and not every sender runs the SDK,
// which does the same first (sdk/src/redact.ts). Query parameters are kept only when
// they are campaign tags (utm_*), ad click ids, ref/source/via, or named in the
// funnel's settings; email addresses are redacted anywhere, the fragment included.
import { CLICK_ID_PARAMS } from "./attribution";

const ALWAYS_KEPT = new Set([...CLICK_ID_PARAMS, "ref", "source", "via"]);
const EMAIL_LIKE = /[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/gi;
export const REDACTED_EMAIL = "[email]";

export function isKeptParam(name: string, extra: readonly string[]): boolean {
  let n = name;
  try {
    n = decodeURIComponent(name);
  } catch {}
  n = n.toLowerCase();
  return n.startsWith("utm_") || ALWAYS_KEPT.has(n) || extra.includes(n);
}

/** The URL with unlisted query parameters dropped and email addresses redacted. */
export function privateUrl(url: string, extra?: readonly string[]): string;
export function privateUrl<N extends null | undefined>(url: string | N, extra?: readonly string[]): string | N;
export function privateUrl(url: string | null | undefined, extra: readonly string[] = []): string | null | undefined {
  if (typeof url !== "string" || url === "") return url;
  const hashAt = url.indexOf("#");
  const main = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? "" : url.slice(hashAt);
  const queryAt = main.indexOf("?");
  let kept = main;
  if (queryAt >= 0) {
    const params = main.slice(queryAt + 1).split("&").filter((p) => p !== "" && isKeptParam(p.split("=")[0], extra));
    kept = main.slice(0, queryAt) + (params.length ? `?${params.join("&")}` : "");
  }
  return (kept + hash).replace(EMAIL_LIKE, REDACTED_EMAIL);
}

/** Names a funnel may add to the kept parameters: lowercase, as query names are compared. */
export function parseKeptParams(input: string): { params: string[]; error: string | null } {
  const params = [...new Set(input.split(/[\s,]+/).map((p) => p.trim().toLowerCase()).filter(Boolean))];
  const bad = params.find((p) => !/^[a-z0-9_.\-[\]]{1,64}$/.test(p));
  if (bad) return { params, error: `"${bad}" is not a query parameter name (letters, digits, _ . - [ ], at most 64)` };
  if (params.length > 30) return { params, error: "at most 30 parameters" };
  return { params, error: null };
}
