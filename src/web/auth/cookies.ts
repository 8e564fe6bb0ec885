// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure whenever the browser
// talks https to us (directly, or through a trusted proxy that says so).
import type { ServeConfig } from "../../config";

export const SESSION_COOKIE = "aurea_session";

export function readCookie(headers: Headers, name: string): string | null {
  const raw = headers.get("cookie");
  if (!raw) return null;
  for (const part of raw.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

export function isHttpsRequest(request: Request, config: Pick<ServeConfig, "trustProxy">): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  if (!config.trustProxy) return false;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto === "https";
}

export function sessionCookie(token: string, expiresAt: number, secure: boolean, now: number): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** The origin as the browser sees it (scheme from the proxy when trusted), e.g. for snippets. */
export function publicOrigin(request: Request, config: Pick<ServeConfig, "trustProxy">): string {
  const url = new URL(request.url);
  const scheme = isHttpsRequest(request, config) ? "https" : url.protocol.replace(":", "");
  const forwardedHost = config.trustProxy ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : null;
  const host = forwardedHost || request.headers.get("host") || url.host;
  return `${scheme}://${host}`;
}
