import { describe, expect, test } from "bun:test";
import { ConfigError, parseFlags, SERVE_FLAGS, serveConfig } from "../../src/config.ts";
import { clientIp, normaliseIp, requestClientIp, resolveClientIp, type ProxyTrust } from "../../src/enrich/client-ip.ts";

const h = (init: Record<string, string> = {}) => new Headers(init);

describe("clientIp", () => {
  test.each<[string, Record<string, string>, string | null, ProxyTrust, string | null]>([
    ["no proxy: socket address", {}, "203.0.113.7", false, "203.0.113.7"],
    ["no proxy: forwarding headers are ignored", { "x-forwarded-for": "1.1.1.1", "x-real-ip": "2.2.2.2" }, "203.0.113.7", false, "203.0.113.7"],
    ["no proxy: IPv4-mapped socket address", {}, "::ffff:198.51.100.4", false, "198.51.100.4"],
    ["one hop: the right-most address, not the client-written left-most", { "x-forwarded-for": "81.2.69.160, 10.0.0.2, 172.16.0.1" }, "127.0.0.1", true, "172.16.0.1"],
    ["one hop: a forged left-most value is ignored", { "x-forwarded-for": "6.6.6.6, 81.2.69.160" }, "127.0.0.1", 1, "81.2.69.160"],
    ["two hops (CDN, then Caddy)", { "x-forwarded-for": "6.6.6.6, 81.2.69.160, 198.51.100.9" }, "127.0.0.1", 2, "81.2.69.160"],
    ["two hops, fewer addresses than hops: the left-most", { "x-forwarded-for": "81.2.69.160" }, "127.0.0.1", 2, "81.2.69.160"],
    ["one hop: an unreadable right-most entry is not looked past", { "x-forwarded-for": "8.8.8.8, garbage" }, "127.0.0.1", true, "127.0.0.1"],
    ["one hop: IPv6 in X-Forwarded-For", { "x-forwarded-for": "10.0.0.1, 2001:DB8::1" }, "127.0.0.1", true, "2001:db8::1"],
    ["one hop: IPv4 with port (Azure)", { "x-forwarded-for": "81.2.69.160:51234" }, "127.0.0.1", true, "81.2.69.160"],
    ["one hop: bracketed IPv6 with port", { "x-forwarded-for": "[2001:db8::7]:443" }, "127.0.0.1", true, "2001:db8::7"],
    ["one hop: quoted address", { "x-forwarded-for": '"81.2.69.160"' }, "127.0.0.1", true, "81.2.69.160"],
    ["one hop: IPv4-mapped in X-Forwarded-For", { "x-forwarded-for": "::ffff:81.2.69.160" }, "127.0.0.1", true, "81.2.69.160"],
    ["one hop: X-Real-IP when no X-Forwarded-For", { "x-real-ip": "9.9.9.9" }, "127.0.0.1", true, "9.9.9.9"],
    ["one hop: socket when headers are missing", {}, "127.0.0.1", true, "127.0.0.1"],
    ["one hop: socket when headers are garbage", { "x-forwarded-for": "<script>", "x-real-ip": "999.1.1.1" }, "::1", true, "::1"],
    ["networks: proxies in the list are skipped from the right", { "x-forwarded-for": "6.6.6.6, 81.2.69.160, 10.1.2.3" }, "10.0.0.5", { networks: ["10.0.0.0/8"] }, "81.2.69.160"],
    ["networks: a socket peer outside the list is the client, headers ignored", { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" }, "203.0.113.7", { networks: ["10.0.0.0/8"] }, "203.0.113.7"],
    ["networks: single addresses and IPv6 networks", { "x-forwarded-for": "81.2.69.160, 2001:db8::5" }, "192.0.2.7", { networks: ["192.0.2.7", "2001:db8::/32"] }, "81.2.69.160"],
    ["networks: all trusted: the left-most", { "x-forwarded-for": "10.9.9.9" }, "10.0.0.5", { networks: ["10.0.0.0/8"] }, "10.9.9.9"],
    ["invalid socket address", {}, "not-an-ip", false, null],
    ["no socket address", {}, null, false, null],
    ["leading zeros are not an IPv4 address", { "x-forwarded-for": "01.2.3.4" }, null, true, null],
  ])("%s", (_label, headers, socket, trust, expected) => {
    expect(clientIp(h(headers), socket, trust)).toBe(expected);
  });

  test("addresses left of the chosen one are counted as untrusted hops", () => {
    expect(resolveClientIp(h({ "x-forwarded-for": "6.6.6.6, 81.2.69.160, 198.51.100.9" }), "127.0.0.1", 1)).toEqual({ ip: "198.51.100.9", untrustedHops: 2 });
    expect(resolveClientIp(h({ "x-forwarded-for": "81.2.69.160, 198.51.100.9" }), "127.0.0.1", 2)).toEqual({ ip: "81.2.69.160", untrustedHops: 0 });
  });

  test("the warning about untrusted hops is logged once per server", () => {
    const logs: string[] = [];
    const config = { trustProxy: 1 as ProxyTrust };
    for (let i = 0; i < 3; i++) requestClientIp(h({ "x-forwarded-for": "6.6.6.6, 81.2.69.160" }), "127.0.0.1", config, (l) => logs.push(l));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("--trust-proxy 2");
    requestClientIp(h({ "x-forwarded-for": "81.2.69.160" }), "127.0.0.1", { trustProxy: 1 }, (l) => logs.push(l));
    expect(logs).toHaveLength(1);
  });
});

describe("--trust-proxy", () => {
  test.each<[string[], ProxyTrust]>([
    [[], false],
    [["--trust-proxy"], 1],
    [["--trust-proxy", "--port", "9"], 1],
    [["--trust-proxy", "2"], 2],
    [["--trust-proxy=3"], 3],
    [["--trust-proxy", "0"], false],
    [["--trust-proxy", "10.0.0.0/8,192.168.1.1, fd00::/8"], { networks: ["10.0.0.0/8", "192.168.1.1", "fd00::/8"] }],
  ])("%j", (argv, expected) => {
    expect(serveConfig(parseFlags([...argv, "--data", "/tmp"], SERVE_FLAGS, {})).trustProxy).toEqual(expected);
  });

  test.each<[string, ProxyTrust]>([
    ["1", 1],
    ["true", 1],
    ["0", false],
    ["2", 2],
    ["10.0.0.0/8", { networks: ["10.0.0.0/8"] }],
  ])("AUREA_TRUST_PROXY=%s", (env, expected) => {
    expect(serveConfig(parseFlags(["--data", "/tmp"], SERVE_FLAGS, { AUREA_TRUST_PROXY: env })).trustProxy).toEqual(expected);
  });

  test.each(["10.0.0.0/33", "proxy.example", "10.0.0.0/8/1", "1.2.3.4/x"])("%s is refused with the entry named", (bad) => {
    expect(() => serveConfig(parseFlags(["--trust-proxy", bad, "--data", "/tmp"], SERVE_FLAGS, {}))).toThrow(ConfigError);
    expect(() => serveConfig(parseFlags(["--trust-proxy", bad, "--data", "/tmp"], SERVE_FLAGS, {}))).toThrow(bad);
  });
});

describe("normaliseIp", () => {
  test.each<[string | null | undefined, string | null]>([
    ["1.2.3.4", "1.2.3.4"],
    [" 1.2.3.4 ", "1.2.3.4"],
    ["::FFFF:1.2.3.4", "1.2.3.4"],
    ["::ffff:1.2.3.999", null],
    ["FE80::1", "fe80::1"],
    ["::1", "::1"],
    ["1.2.3", null],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%p → %p", (raw, expected) => {
    expect(normaliseIp(raw)).toBe(expected);
  });
});
