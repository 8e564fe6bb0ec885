// GET /sdk.js: the browser SDK, embedded at build time, compressed once, cached by ETag.
import { Elysia } from "elysia";
import { brotliCompressSync, gzipSync } from "node:zlib";
import sdkSource from "../../sdk/dist/sdk.js" with { type: "text" };

const body = Buffer.from(sdkSource);
const gzip = gzipSync(body, { level: 9 });
const brotli = brotliCompressSync(body);
const etag = `"${new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 20)}"`;

const BASE_HEADERS = {
  "content-type": "application/javascript; charset=utf-8",
  "cache-control": "public, max-age=3600, stale-while-revalidate=86400",
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
  vary: "Accept-Encoding",
  etag,
};

function serveSdk(request: Request): Response {
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: BASE_HEADERS });
  const accept = request.headers.get("accept-encoding") ?? "";
  if (/\bbr\b/.test(accept)) return new Response(brotli, { headers: { ...BASE_HEADERS, "content-encoding": "br" } });
  if (/\bgzip\b/.test(accept)) return new Response(gzip, { headers: { ...BASE_HEADERS, "content-encoding": "gzip" } });
  return new Response(body, { headers: BASE_HEADERS });
}

export function sdkRoutes() {
  return new Elysia({ name: "sdk" }).get("/sdk.js", ({ request }) => serveSdk(request));
}
