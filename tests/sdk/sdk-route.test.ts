import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { bundleSdk, GZIP_BUDGET } from "../../scripts/build-sdk";
import { pickEncoding, serveSdk } from "../../src/web/sdk-route";

const get = (headers: Record<string, string> = {}) => serveSdk(new Request("http://aurea.test/sdk.js", { headers }));

describe("GET /sdk.js", () => {
  test("is JavaScript, cacheable, loadable from any origin", async () => {
    const res = get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toContain("max-age=3600");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    expect(await res.text()).toContain("[Aurea SDK]");
  });

  test("gzip within the budget, brotli when accepted", async () => {
    const gz = get({ "accept-encoding": "gzip, deflate" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const bytes = new Uint8Array(await gz.arrayBuffer());
    expect(bytes.byteLength).toBeLessThanOrEqual(GZIP_BUDGET);
    expect(gunzipSync(bytes).toString()).toContain("[Aurea SDK]");
    expect(get({ "accept-encoding": "gzip, deflate, br" }).headers.get("content-encoding")).toBe("br");
  });

  test("If-None-Match answers 304 for any encoding's ETag", () => {
    const etag = get({ "accept-encoding": "gzip" }).headers.get("etag")!;
    expect(get({ "if-none-match": etag, "accept-encoding": "gzip" }).status).toBe(304);
    expect(get({ "if-none-match": `"other", W/${etag}` }).status).toBe(304);
    expect(get({ "if-none-match": '"stale"' }).status).toBe(200);
  });

  test.each([
    ["", "identity"],
    ["gzip", "gzip"],
    ["br;q=1.0, gzip;q=0.8", "br"],
    ["br;q=0, gzip", "gzip"],
    ["identity", "identity"],
    ["*", "gzip"],
  ])("Accept-Encoding %p → %p", (header, expected) => {
    expect(pickEncoding(header)).toBe(expected as never);
  });
});

describe("the build", () => {
  test("a fresh bundle is within the gzip budget and is what the route serves", async () => {
    const build = await bundleSdk();
    expect(build.gzip).toBeLessThanOrEqual(GZIP_BUDGET);
    expect(build.brotli).toBeLessThan(build.gzip);
    expect(await get().text()).toBe(build.code);
  });
});
