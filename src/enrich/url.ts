// Page URLs and referrers arrive from browsers as absolute URLs; a leading-"/"
// path is also accepted (server-side events). Anything else is garbage → null.
const PATH_BASE = "http://path.invalid";

function parse(url: string | null | undefined, allowPathOnly: boolean): URL | null {
  if (typeof url !== "string") return null;
  const s = url.trim();
  if (s === "") return null;
  try {
    if (s.startsWith("/") && !s.startsWith("//")) return allowPathOnly ? new URL(s, PATH_BASE) : null;
    return new URL(s);
  } catch {
    return null;
  }
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * The path of a URL without query or hash; "/" when the URL has none.
 * Percent-escapes are decoded for display (decodeURI keeps reserved ones such
 * as %2F and %3F encoded); a path that would decode to control characters or
 * is not valid UTF-8 stays encoded. Opaque URLs (javascript:, mailto:, data:)
 * have no path → null.
 */
export function pathOf(url: string | null | undefined): string | null {
  const u = parse(url, true);
  if (!u) return null;
  const raw = u.pathname;
  if (raw === "") return "/";
  if (!raw.startsWith("/")) return null;
  try {
    const decoded = decodeURI(raw);
    return CONTROL_CHARS.test(decoded) ? raw : decoded;
  } catch {
    return raw;
  }
}

/**
 * The lowercase host name of a URL, without port, trailing dot or a leading
 * "www.". International names stay in their punycode ("xn--") form.
 */
export function hostOf(url: string | null | undefined): string | null {
  const u = parse(url, false);
  if (!u) return null;
  let host = u.hostname.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host.startsWith("www.")) host = host.slice(4);
  return host === "" ? null : host;
}
