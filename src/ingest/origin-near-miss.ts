// Whether a refused origin is an install slip of an allowed one: the same host on another
// port or scheme, localhost for 127.0.0.1 (and back), or www. for the bare domain (and
// back). Such a page may read the 403 that names its own origin, so the SDK can say in
// the console which origin to allow; any other origin still gets no CORS header.
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function sameSite(a: string, b: string): boolean {
  if (a === b) return true;
  if (LOOPBACK.has(a) && LOOPBACK.has(b)) return true;
  return a.replace(/^www\./, "") === b.replace(/^www\./, "");
}

export function isNearMissOrigin(origin: string, allowed: string[]): boolean {
  const host = hostOf(origin);
  return host !== null && allowed.some((a) => {
    const h = hostOf(a);
    return h !== null && sameSite(host, h);
  });
}
