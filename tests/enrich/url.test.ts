import { describe, expect, test } from "bun:test";
import { hostOf, pathOf } from "../../src/enrich/url.ts";

describe("pathOf", () => {
  test.each([
    ["https://example.com/pricing?plan=pro#faq", "/pricing"],
    ["https://example.com", "/"],
    ["https://example.com/", "/"],
    ["https://example.com?utm_source=x", "/"],
    ["https://example.com#top", "/"],
    ["http://shop.example.co.uk:8080/checkout/step-2/", "/checkout/step-2/"],
    ["https://example.com/a//b/./c/../d", "/a//b/d"],
    ["https://example.com/caf%C3%A9/men%C3%BC", "/café/menü"],
    ["https://example.com/café", "/café"],
    ["https://example.com/a%2Fb%3Fc", "/a%2Fb%3Fc"], // reserved escapes stay encoded
    ["https://example.com/bad%E0%A4%A", "/bad%E0%A4%A"], // invalid UTF-8 stays encoded
    ["https://example.com/x%0Ay%00z", "/x%0Ay%00z"], // control characters stay encoded
    // Decoded for display like any path; views escape it.
    ["https://example.com/<script>alert(1)</script>", "/<script>alert(1)</script>"],
    ["  https://example.com/trim  ", "/trim"],
    ["/thank-you?order=42", "/thank-you"],
    ["/", "/"],
    ["capacitor://localhost/home", "/home"],
    ["https://[2001:db8::1]:8443/ipv6", "/ipv6"],
  ])("%p → %p", (url, expected) => {
    expect(pathOf(url)).toBe(expected);
  });

  test.each([
    [null], [undefined], [""], ["   "], ["not a url"], ["example.com/pricing"], ["//example.com/x"],
    ["javascript:alert(1)"], ["mailto:a@example.com"], ["data:text/html,<h1>x</h1>"], ["http://"], ["https://exa mple.com/"],
  ])("garbage %p → null", (url) => {
    expect(pathOf(url)).toBeNull();
  });
});

describe("hostOf", () => {
  test.each([
    ["https://www.Example.COM/path", "example.com"],
    ["https://example.com", "example.com"],
    ["http://shop.example.co.uk:8080/", "shop.example.co.uk"],
    ["https://www.google.co.uk/", "google.co.uk"],
    ["https://wwwexample.com/", "wwwexample.com"],
    ["https://www2.example.com/", "www2.example.com"],
    ["https://example.com./", "example.com"],
    ["https://user:pass@example.com/", "example.com"],
    ["https://bücher.de/", "xn--bcher-kva.de"],
    ["https://[2001:DB8::1]/", "[2001:db8::1]"],
    ["http://127.0.0.1:3000/", "127.0.0.1"],
    ["android-app://com.google.android.gm/", "com.google.android.gm"],
  ])("%p → %p", (url, expected) => {
    expect(hostOf(url)).toBe(expected);
  });

  test.each([[null], [undefined], [""], ["/relative/path"], ["google.com"], ["javascript:alert(1)"], ["file:///etc/passwd"], ["%%%"]])(
    "%p → null",
    (url) => {
      expect(hostOf(url)).toBeNull();
    },
  );
});
