// Server-side request forgery guard for webhook URLs. A URL is refused when it is
// not http(s), or when its host is, or resolves to, an address that points back
// into the operator's network: loopback, private, link-local (cloud metadata lives
// there), unspecified, multicast and the like. Checked when a rule is saved and
// again before every request, redirects included.
//
// Residual risk (documented in the README, "Automations"): fetch() resolves the host once
// more when it connects, so a DNS server that answers "public" to our lookup and
// "private" a moment later (DNS rebinding) can slip past. Pinning the connection to
// the checked address is not possible with fetch() for https without breaking SNI
// and certificate checks.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";

export class UnsafeUrlError extends Error {}

export type Lookup = (host: string) => Promise<string[]>;

export const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

interface Range {
  bits: number[];
  prefix: number;
  reason: string;
}

function v4Bits(ip: string): number[] {
  return ip.split(".").flatMap((o) => byteBits(Number(o)));
}

function byteBits(n: number): number[] {
  return Array.from({ length: 8 }, (_, i) => (n >> (7 - i)) & 1);
}

function v4Range(cidr: string, reason: string): Range {
  const [ip, prefix] = cidr.split("/");
  return { bits: v4Bits(ip), prefix: Number(prefix), reason };
}

const V4_RANGES: Range[] = [
  v4Range("0.0.0.0/8", "an unspecified (\"this network\") address"),
  v4Range("127.0.0.0/8", "a loopback address"),
  v4Range("10.0.0.0/8", "a private address"),
  v4Range("172.16.0.0/12", "a private address"),
  v4Range("192.168.0.0/16", "a private address"),
  v4Range("169.254.0.0/16", "a link-local address (cloud metadata lives there)"),
  v4Range("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
  v4Range("192.0.0.0/24", "an IETF protocol assignment address"),
  v4Range("198.18.0.0/15", "a benchmarking address"),
  v4Range("224.0.0.0/4", "a multicast address"),
  v4Range("240.0.0.0/4", "a reserved address"),
];

/** "::ffff:1.2.3.4" style input → 16 bytes; null when not IPv6. */
export function parseIpv6(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let s = ip.split("%")[0];
  const tail: number[] = [];
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    tail.push(...dotted[1].split(".").map(Number));
    s = s.slice(0, -dotted[1].length) + "0:0";
  }
  const [head, rest] = s.split("::");
  const parse = (part: string | undefined) => (part ? part.split(":").filter((x) => x !== "") : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const fill = 8 - left.length - right.length;
  const groups = [...left, ...Array(rest === undefined ? 0 : fill).fill("0"), ...right].map((g) => parseInt(g, 16));
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function startsWith(bytes: number[], prefixBytes: number[]): boolean {
  return prefixBytes.every((b, i) => bytes[i] === b);
}

function v6Reason(bytes: number[]): string | null {
  const zeros = (n: number) => bytes.slice(0, n).every((b) => b === 0);
  const embeddedV4 = (from: number) => bytes.slice(from, from + 4).join(".");
  if (zeros(16)) return "an unspecified address";
  if (zeros(15) && bytes[15] === 1) return "a loopback address";
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d).
  if (zeros(10) && bytes[10] === 0xff && bytes[11] === 0xff) return ipReason(embeddedV4(12));
  if (zeros(12)) return ipReason(embeddedV4(12));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that is reached in the end.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && bytes.slice(4, 12).every((b) => b === 0)) return ipReason(embeddedV4(12));
  if (startsWith(bytes, [0x20, 0x02])) return ipReason(embeddedV4(2));
  // Local-use NAT64 (64:ff9b:1::/48, RFC 8215) translates into the operator's own network.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return "a local-use NAT64 address";
  if ((bytes[0] & 0xfe) === 0xfc) return "a private (unique local) address";
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return "a link-local address";
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return "a site-local address";
  if (bytes[0] === 0xff) return "a multicast address";
  return null;
}

/** Why an IP address must not be called, or null when it is a public address. */
export function ipReason(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) {
    const bits = v4Bits(ip);
    for (const r of V4_RANGES) if (r.bits.slice(0, r.prefix).every((b, i) => bits[i] === b)) return r.reason;
    if (ip === "255.255.255.255") return "a broadcast address";
    return null;
  }
  if (family === 6) {
    const bytes = parseIpv6(ip);
    return bytes ? v6Reason(bytes) : "an unreadable address";
  }
  return "not an IP address";
}

/** The URL's host without IPv6 brackets, lower-cased. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

/** Syntax checks that need no DNS: scheme, host present, no credentials. Returns the parsed URL. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`"${raw}" is not a URL (expected e.g. https://hooks.example.com/aurea)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UnsafeUrlError(`only http:// and https:// URLs are allowed, not ${url.protocol}`);
  if (!url.hostname) throw new UnsafeUrlError("the URL has no host");
  if (url.username || url.password) throw new UnsafeUrlError("credentials in the URL are not allowed; send them in a header");
  return url;
}

const ALLOW_HINT = "start Aurea with --allow-private-webhooks (AUREA_ALLOW_PRIVATE_WEBHOOKS=1) to allow it";

/**
 * Resolves the URL's host and refuses it when any address it resolves to is not
 * public (unless allowPrivate). Returns the addresses. DNS failures are thrown as
 * plain errors (they may be passing), refusals as UnsafeUrlError.
 */
export async function checkWebhookTarget(url: URL, allowPrivate: boolean, lookup: Lookup = systemLookup): Promise<string[]> {
  const host = hostOf(url);
  if (allowPrivate) return [];
  if (host === "localhost" || host.endsWith(".localhost")) throw new UnsafeUrlError(`host ${host} is a loopback name; ${ALLOW_HINT}`);
  const addresses = isIP(host) ? [host] : await lookup(host);
  if (!addresses.length) throw new Error(`host ${host} did not resolve`);
  for (const address of addresses) {
    const reason = ipReason(address);
    if (reason) {
      const what = address === host ? `host ${host}` : `host ${host} resolves to ${address}, which`;
      throw new UnsafeUrlError(`${what} is ${reason}; ${ALLOW_HINT}`);
    }
  }
  return addresses;
}
