import { describe, expect, test } from "bun:test";
import { parseUserAgent, type UaInfo } from "../../src/enrich/user-agent.ts";

const cases: Array<[label: string, ua: string, expected: UaInfo]> = [
  ["Chrome on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "Windows", device: "desktop" }],
  ["Safari on iPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    { browser: "Mobile Safari", browserVersion: "17", os: "iOS", device: "mobile" }],
  ["Samsung Internet on Galaxy S23", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    { browser: "Samsung Internet", browserVersion: "25", os: "Android", device: "mobile" }],
  ["Firefox on Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    { browser: "Firefox", browserVersion: "127", os: "Linux", device: "desktop" }],
  ["Firefox on Ubuntu", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    { browser: "Firefox", browserVersion: "127", os: "Ubuntu", device: "desktop" }],
  ["Edge on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
    { browser: "Edge", browserVersion: "126", os: "Windows", device: "desktop" }],
  ["Safari on iPad", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    { browser: "Mobile Safari", browserVersion: "17", os: "iOS", device: "tablet" }],
  ["Chrome on Galaxy Tab S8", "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "Android", device: "tablet" }],
  ["Chrome on reduced Android UA (tablet: no 'Mobile')", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "Android", device: "tablet" }],
  ["Chrome on reduced Android UA (phone)", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "Android", device: "mobile" }],
  ["Safari on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    { browser: "Safari", browserVersion: "17", os: "macOS", device: "desktop" }],
  ["Chrome on macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "macOS", device: "desktop" }],
  ["Chrome on ChromeOS", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    { browser: "Chrome", browserVersion: "126", os: "ChromeOS", device: "desktop" }],
  ["Chrome on iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
    { browser: "Chrome", browserVersion: "126", os: "iOS", device: "mobile" }],
  ["Firefox on iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
    { browser: "Firefox", browserVersion: "127", os: "iOS", device: "mobile" }],
  ["Edge on Android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.2592.80",
    { browser: "Edge", browserVersion: "126", os: "Android", device: "mobile" }],
  ["Opera on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
    { browser: "Opera", browserVersion: "111", os: "Windows", device: "desktop" }],
  ["Facebook in-app browser", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/470.0.0.38.108;]",
    { browser: "Facebook", browserVersion: "470", os: "Android", device: "mobile" }],
  ["Instagram in-app browser", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 337.0.3.23.54 (iPhone15,3; iOS 17_5_1; en_US; en; scale=3.00; 1290x2796; 619452508)",
    { browser: "Instagram", browserVersion: "337", os: "iOS", device: "mobile" }],
  ["Internet Explorer 11", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    { browser: "Internet Explorer", browserVersion: "11", os: "Windows", device: "desktop" }],
  ["Samsung smart TV", "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
    { browser: "Samsung Internet", browserVersion: "4", os: "Tizen", device: "tv" }],
  ["PlayStation 5", "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    { browser: "WebKit", browserVersion: "605", os: "PlayStation", device: "console" }],
  ["Galaxy Watch", "Mozilla/5.0 (Linux; Android 8.1.0; SAMSUNG SM-R800) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/1.0 Chrome/56.0.2924.87 Mobile Safari/537.36",
    { browser: "Samsung Internet", browserVersion: "1", os: "Android", device: "wearable" }],
  ["HeadlessChrome (parsed; bot filtering is bot.ts's job)", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.6478.126 Safari/537.36",
    { browser: "Headless Chrome", browserVersion: "126", os: "Linux", device: "desktop" }],
  ["Googlebot desktop", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    { browser: null, browserVersion: null, os: null, device: "other" }],
  ["curl", "curl/8.5.0", { browser: null, browserVersion: null, os: null, device: "other" }],
  ["python-requests", "python-requests/2.32.3", { browser: null, browserVersion: null, os: null, device: "other" }],
  ["Android app HTTP client (no browser, mobile OS)", "Dalvik/2.1.0 (Linux; U; Android 12; SM-A525F Build/SP1A.210812.016)",
    { browser: null, browserVersion: null, os: "Android", device: "mobile" }],
  ["garbage", "\u0000\u0001<script>alert(1)</script>", { browser: null, browserVersion: null, os: null, device: "other" }],
];

describe("parseUserAgent", () => {
  test.each(cases)("%s", (_label, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  test.each([[""], ["   "], [null], [undefined]])("empty or missing UA %p → all null, device other", (ua) => {
    expect(parseUserAgent(ua)).toEqual({ browser: null, browserVersion: null, os: null, device: "other" });
  });

  test("names taken from the UA text cannot reach Object.prototype", () => {
    for (const ua of ["constructor/1.0", "Mozilla/5.0 (constructor; __proto__) toString/2", "__proto__"]) {
      const info = parseUserAgent(ua);
      for (const v of [info.browser, info.browserVersion, info.os]) expect(v === null || typeof v === "string").toBe(true);
    }
  });

  test("memoized: the same UA string returns the same object", () => {
    const ua = cases[0][1];
    expect(parseUserAgent(ua)).toBe(parseUserAgent(ua));
  });

  test("a huge hostile UA is parsed on a bounded prefix, quickly", () => {
    const ua = cases[0][1] + " ".repeat(1_000_000) + "Firefox/1";
    expect(parseUserAgent(ua).browser).toBe("Chrome");
  });
});
