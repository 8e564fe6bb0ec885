import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { bundleCapture, bundleSdk, CAPTURE_GZIP_BUDGET, GZIP_BUDGET } from "../../scripts/build-sdk";
import { CAPTURE_VERSION, pickEncoding, serveCaptureChunk, serveSdk } from "../../src/web/sdk-route";
import { contentVersion } from "../../src/web/sdk-version";

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

describe("GET /sdk-capture.js", () => {
  const chunk = (query: string, headers: Record<string, string> = {}) =>
    serveCaptureChunk(new Request(`http://aurea.test/sdk-capture.js${query}`, { headers }));

  test("the core asks for this chunk's content hash, which is cached for good; like /sdk.js otherwise", async () => {
    expect(await get().text()).toContain(`/sdk-capture.js?v=${CAPTURE_VERSION}`);
    const res = chunk(`?v=${CAPTURE_VERSION}`, { "accept-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const code = gunzipSync(new Uint8Array(await res.arrayBuffer())).toString();
    expect(contentVersion(code)).toBe(CAPTURE_VERSION);
    // A core cached from another release gets today's chunk, cached only as long as /sdk.js.
    for (const q of ["?v=000000000000", ""]) {
      const other = chunk(q);
      expect(other.status).toBe(200);
      expect(other.headers.get("cache-control")).toBe(get().headers.get("cache-control"));
    }
    const etag = res.headers.get("etag")!;
    expect(chunk(`?v=${CAPTURE_VERSION}`, { "if-none-match": etag, "accept-encoding": "gzip" }).status).toBe(304);
  });
});

describe("the build", () => {
  test("a fresh bundle is within the gzip budget and is what the route serves", async () => {
    const build = await bundleSdk();
    expect(build.gzip).toBeLessThanOrEqual(GZIP_BUDGET);
    expect(build.brotli).toBeLessThan(build.gzip);
    expect(await get().text()).toBe(build.code);
  });

  test("a fresh capture chunk is within its budget and is what the route serves", async () => {
    const build = await bundleCapture();
    expect(build.gzip).toBeLessThanOrEqual(CAPTURE_GZIP_BUDGET);
    expect(contentVersion(build.code)).toBe(CAPTURE_VERSION);
  });
});
