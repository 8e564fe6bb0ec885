import { describe, expect, test } from "bun:test";
import { clientIp, normaliseIp } from "../../src/enrich/client-ip.ts";

const h = (init: Record<string, string> = {}) => new Headers(init);

describe("clientIp", () => {
  test.each<[string, Record<string, string>, string | null, boolean, string | null]>([
    ["no proxy: socket address", {}, "203.0.113.7", false, "203.0.113.7"],
    ["no proxy: forwarding headers are ignored", { "x-forwarded-for": "1.1.1.1", "x-real-ip": "2.2.2.2" }, "203.0.113.7", false, "203.0.113.7"],
    ["no proxy: IPv4-mapped socket address", {}, "::ffff:198.51.100.4", false, "198.51.100.4"],
    ["proxy: left-most X-Forwarded-For", { "x-forwarded-for": "81.2.69.160, 10.0.0.2, 172.16.0.1" }, "127.0.0.1", true, "81.2.69.160"],
    ["proxy: skips invalid entries", { "x-forwarded-for": "unknown, , garbage, 8.8.8.8" }, "127.0.0.1", true, "8.8.8.8"],
    ["proxy: IPv6 in X-Forwarded-For", { "x-forwarded-for": "2001:DB8::1, 10.0.0.1" }, "127.0.0.1", true, "2001:db8::1"],
    ["proxy: IPv4 with port (Azure)", { "x-forwarded-for": "81.2.69.160:51234" }, "127.0.0.1", true, "81.2.69.160"],
    ["proxy: bracketed IPv6 with port", { "x-forwarded-for": "[2001:db8::7]:443" }, "127.0.0.1", true, "2001:db8::7"],
    ["proxy: quoted address", { "x-forwarded-for": '"81.2.69.160"' }, "127.0.0.1", true, "81.2.69.160"],
    ["proxy: IPv4-mapped in X-Forwarded-For", { "x-forwarded-for": "::ffff:81.2.69.160" }, "127.0.0.1", true, "81.2.69.160"],
    ["proxy: X-Real-IP when no X-Forwarded-For", { "x-real-ip": "9.9.9.9" }, "127.0.0.1", true, "9.9.9.9"],
    ["proxy: X-Real-IP when X-Forwarded-For is all garbage", { "x-forwarded-for": "nope", "x-real-ip": "9.9.9.9" }, "127.0.0.1", true, "9.9.9.9"],
    ["proxy: socket when headers are missing", {}, "127.0.0.1", true, "127.0.0.1"],
    ["proxy: socket when headers are garbage", { "x-forwarded-for": "<script>", "x-real-ip": "999.1.1.1" }, "::1", true, "::1"],
    ["invalid socket address", {}, "not-an-ip", false, null],
    ["no socket address", {}, null, false, null],
    ["leading zeros are not an IPv4 address", { "x-forwarded-for": "01.2.3.4" }, null, true, null],
  ])("%s", (_label, headers, socket, trust, expected) => {
    expect(clientIp(h(headers), socket, trust)).toBe(expected);
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
