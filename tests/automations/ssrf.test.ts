import { describe, expect, test } from "bun:test";
import { checkWebhookTarget, ipReason, parseIpv6, parseWebhookUrl, UnsafeUrlError, type Lookup } from "../../src/automations/ssrf";

describe("ipReason", () => {
  test.each([
    ["127.0.0.1", "loopback"],
    ["127.255.1.2", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["100.100.100.200", "carrier-grade"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique local"],
    ["fd00:ec2::254", "unique local"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "link-local"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["64:ff9b:1::a9fe:a9fe", "local-use NAT64"],
    ["64:ff9b:1:ffff::1", "local-use NAT64"],
    ["2002:7f00:1::", "loopback"],
    ["::127.0.0.1", "loopback"],
  ])("%s is refused (%s)", (ip, word) => {
    expect(ipReason(ip)).toContain(word);
  });

  test.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1", "93.184.216.34", "2606:4700:4700::1111", "2001:db8::1", "::ffff:8.8.8.8"])(
    "%s is public",
    (ip) => {
      expect(ipReason(ip)).toBeNull();
    },
  );

  test("IPv6 parsing expands :: and embedded IPv4", () => {
    expect(parseIpv6("::ffff:1.2.3.4")!.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIpv6("2001:db8::1")).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("1.2.3.4")).toBeNull();
  });
});

describe("webhook URLs", () => {
  const publicDns: Lookup = async () => ["93.184.216.34"];
  const privateDns: Lookup = async () => ["93.184.216.34", "10.0.0.5"];

  test.each([
    ["ftp://example.com/x", "only http"],
    ["file:///etc/passwd", "only http"],
    ["javascript:alert(1)", "only http"],
    ["not a url", "is not a URL"],
    ["https://user:pw@example.com/", "credentials"],
  ])("%s is refused by syntax", (raw, message) => {
    expect(() => parseWebhookUrl(raw)).toThrow(message);
  });

  test.each([
    ["http://127.0.0.1:8080/hook", "loopback"],
    ["http://[::1]/hook", "loopback"],
    ["http://2130706433/", "loopback"], // 127.0.0.1 written as one number
    ["http://0x7f.1/", "loopback"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://localhost:5678/webhook", "loopback name"],
    ["http://n8n.localhost/", "loopback name"],
    ["http://[::ffff:192.168.0.1]/", "private"],
    ["http://0.0.0.0/", "unspecified"],
  ])("%s is refused", async (raw, message) => {
    const err = await checkWebhookTarget(parseWebhookUrl(raw), false, publicDns).catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeUrlError);
    expect(String(err.message)).toContain(message);
    expect(String(err.message)).toContain("--allow-private-webhooks");
  });

  test("a name is refused when ANY address it resolves to is private", async () => {
    const err = await checkWebhookTarget(parseWebhookUrl("https://hooks.example.com/x"), false, privateDns).catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeUrlError);
    expect(err.message).toContain("resolves to 10.0.0.5");
  });

  test("a public name passes; allowPrivate skips the check", async () => {
    expect(await checkWebhookTarget(parseWebhookUrl("https://hooks.example.com/x"), false, publicDns)).toEqual(["93.184.216.34"]);
    expect(await checkWebhookTarget(parseWebhookUrl("http://127.0.0.1/x"), true, publicDns)).toEqual([]);
  });

  test("a name that does not resolve is a plain error (may be passing), not a refusal", async () => {
    const err = await checkWebhookTarget(parseWebhookUrl("https://nowhere.example/x"), false, async () => []).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnsafeUrlError);
  });
});
