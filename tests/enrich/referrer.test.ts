import { describe, expect, test } from "bun:test";
import { referrerHost } from "../../src/enrich/referrer.ts";

const page = "https://www.myfunnel.com/landing?utm_source=x";

describe("referrerHost", () => {
  test.each<[string, string | null | undefined, string | null | undefined, string | null]>([
    ["Google search", "https://www.google.com/", page, "google.com"],
    ["Google UK", "https://www.google.co.uk/", page, "google.co.uk"],
    ["Facebook link shim", "https://l.facebook.com/l.php?u=https%3A%2F%2Fmyfunnel.com", page, "l.facebook.com"],
    ["Facebook mobile link shim", "https://lm.facebook.com/", page, "lm.facebook.com"],
    ["X/Twitter t.co", "https://t.co/AbCdEf123", page, "t.co"],
    ["Hacker News", "https://news.ycombinator.com/item?id=40000000", page, "news.ycombinator.com"],
    ["Reddit outbound", "https://out.reddit.com/t3_abc?url=x", page, "out.reddit.com"],
    ["upper case and port", "HTTPS://WWW.Bing.COM:443/search?q=x", page, "bing.com"],
    ["same site", "https://www.myfunnel.com/pricing", page, null],
    ["same site without www", "https://myfunnel.com/pricing", page, null],
    ["same site over http", "http://myfunnel.com/", page, null],
    ["subdomain of the same site counts as external", "https://blog.myfunnel.com/post", page, "blog.myfunnel.com"],
    ["no page URL: cannot be same-site", "https://duckduckgo.com/", null, "duckduckgo.com"],
    ["Gmail Android app", "android-app://com.google.android.gm/", page, "com.google.android.gm"],
    ["Google Android app", "android-app://com.google.android.googlequicksearchbox", page, "com.google.android.googlequicksearchbox"],
    ["Slack Android app", "android-app://com.Slack/", page, "com.slack"],
    ["android-app with garbage", "android-app://<script>/", page, null],
    ["empty", "", page, null],
    ["blank", "   ", page, null],
    ["null", null, page, null],
    ["undefined", undefined, page, null],
    ["about:blank", "about:blank", page, null],
    ["file URL", "file:///C:/Users/me/index.html", page, null],
    ["browser extension", "chrome-extension://abcdefghijklmnop/popup.html", page, null],
    ["javascript URL", "javascript:alert(document.cookie)", page, null],
    ["no scheme", "google.com", page, null],
    ["garbage", "http://", page, null],
    ["hostile", "https://evil.com\u0000<img src=x onerror=alert(1)>/", page, null],
  ])("%s", (_label, referrer, pageUrl, expected) => {
    expect(referrerHost(referrer, pageUrl)).toBe(expected);
  });
});
