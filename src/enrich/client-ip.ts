import { BlockList, isIP } from "node:net";

/**
 * Which forwarding hops to believe. false: none (the socket address is the client).
 * true or a number N: the last N proxies (the socket peer and the N−1 addresses it
 * and the proxies before it appended to X-Forwarded-For). {networks}: every proxy
 * whose address lies in one of these CIDRs ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7").
 */
export type ProxyTrust = boolean | number | { networks: string[] };

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

/** Parses "10.0.0.0/8,192.0.2.7,2001:db8::/32"; throws with the bad entry named. */
export function parseNetworks(list: string): string[] {
  const networks = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (!networks.length) throw new Error("expected a hop count or a list of proxy networks (CIDRs)");
  for (const n of networks) {
    const [ip, bits, extra] = n.split("/");
    const family = isIP(ip ?? "");
    const max = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw new Error(`"${n}" is not an IP address or CIDR network (e.g. 10.0.0.0/8)`);
    }
  }
  return networks;
}

const compiled = new WeakMap<string[], BlockList>();

function blockListOf(networks: string[]): BlockList {
  let list = compiled.get(networks);
  if (!list) {
    list = new BlockList();
    for (const n of networks) {
      const [ip, bits] = n.split("/");
      const family = isIP(ip) === 4 ? "ipv4" : "ipv6";
      list.addSubnet(ip, bits === undefined ? (family === "ipv4" ? 32 : 128) : Number(bits), family);
    }
    compiled.set(networks, list);
  }
  return list;
}

export interface ResolvedIp {
  ip: string | null;
  /** X-Forwarded-For entries left of the one chosen: written by the client or by a proxy not trusted. */
  untrustedHops: number;
}

/**
 * The client's IP address. Without proxy trust the forwarding headers are ignored
 * entirely (anyone can send them). With it, X-Forwarded-For is read from the right:
 * each trusted proxy appended the address of the peer it saw, so the right-most
 * address not added by a trusted proxy is the client; anything left of it may have
 * been written by the client itself. X-Real-IP is used when there is no
 * X-Forwarded-For and the socket peer is a trusted proxy.
 */
export function resolveClientIp(headers: Headers, socketIp: string | null, trust: ProxyTrust): ResolvedIp {
  const socket = normaliseIp(socketIp);
  if (trust === false || trust === 0) return { ip: socket, untrustedHops: 0 };
  const hops = trust === true ? 1 : typeof trust === "number" ? trust : null;
  const networks = typeof trust === "object" ? blockListOf(trust.networks) : null;
  const trusted = (ip: string, position: number) =>
    hops !== null ? position < hops : networks!.check(ip, ip.includes(":") ? "ipv6" : "ipv4");

  if (!socket || !trusted(socket, 0)) return { ip: socket, untrustedHops: 0 };
  const xff = headers.get("x-forwarded-for");
  if (!xff) return { ip: normaliseIp(headers.get("x-real-ip")) ?? socket, untrustedHops: 0 };
  const chain = xff.split(",").reverse();
  let current = socket;
  for (let i = 0; i < chain.length; i++) {
    const next = normaliseIp(chain[i]);
    // An unreadable entry cannot be looked past: the last address read stands.
    if (!next) return { ip: current, untrustedHops: chain.length - i - 1 };
    if (i === chain.length - 1 || !trusted(next, i + 1)) return { ip: next, untrustedHops: chain.length - i - 1 };
    current = next;
  }
  return { ip: current, untrustedHops: 0 };
}

export function clientIp(headers: Headers, socketIp: string | null, trust: ProxyTrust): string | null {
  return resolveClientIp(headers, socketIp, trust).ip;
}

const warned = new WeakSet<object>();

/**
 * clientIp for a running server: logs one line, the first time, when a request
 * carries more X-Forwarded-For addresses than the proxies trusted, which is what
 * a CDN in front of the trusted proxy looks like (it also is what a client writing
 * its own header looks like, hence a hint and not an error).
 */
export function requestClientIp(
  headers: Headers,
  socketIp: string | null,
  config: { trustProxy: ProxyTrust },
  log: (line: string) => void,
): string | null {
  const { ip, untrustedHops } = resolveClientIp(headers, socketIp, config.trustProxy);
  if (untrustedHops > 0 && !warned.has(config)) {
    warned.add(config);
    const trust = config.trustProxy;
    const what = typeof trust === "object" ? `proxies in ${trust.networks.join(",")}` : `${trust === true ? 1 : trust} proxy hop(s)`;
    log(
      `trust-proxy: a request came with ${untrustedHops} X-Forwarded-For address(es) beyond the ${what} trusted; ` +
        `the client address is taken as ${ip}. If another proxy or a CDN is in front, trust it too (e.g. --trust-proxy 2); this is logged once`,
    );
  }
  return ip;
}
