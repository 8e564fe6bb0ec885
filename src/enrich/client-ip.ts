import { isIP } from "node:net";

/**
 * One address as proxies write it: trimmed, unquoted, without a port
 * ("1.2.3.4:5678", "[2001:db8::1]:443") and without the IPv4-mapped IPv6
 * prefix ("::ffff:1.2.3.4" → "1.2.3.4"). Null unless it is a valid IP.
 */
export function normaliseIp(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  let s = raw.trim().replace(/^"(.*)"$/, "$1").trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1];
  else {
    const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
    if (v4WithPort) s = v4WithPort[1];
  }
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(s);
  if (mapped) s = mapped[1];
  if (isIP(s) === 0) return null;
  return s.includes(":") ? s.toLowerCase() : s;
}

/**
 * The client's IP address. Without trustProxy the forwarding headers are
 * ignored entirely (anyone can send them). With it — set only when a reverse
 * proxy in front of Aurea sets them — the left-most valid X-Forwarded-For
 * address (the original client as the first proxy saw it), else X-Real-IP,
 * else the socket address.
 */
export function clientIp(headers: Headers, socketIp: string | null, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = headers.get("x-forwarded-for");
    if (xff) {
      for (const part of xff.split(",")) {
        const ip = normaliseIp(part);
        if (ip) return ip;
      }
    }
    const real = normaliseIp(headers.get("x-real-ip"));
    if (real) return real;
  }
  return normaliseIp(socketIp);
}
