// GET /assets/<name>: the dashboard's static files, embedded in the executable
// (text imports), compressed once at startup, cached by ETag.
// To add a file: put it in views/assets/ and add its import and one line to ASSETS
// below (a .js file also needs a sibling .d.ts like views/assets/app.d.ts so
// TypeScript accepts the text import).
import { Elysia } from "elysia";
import { brotliCompressSync, gzipSync } from "node:zlib";
import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import analyticsCss from "../../views/assets/analytics.css" with { type: "text" };
import analyticsJs from "../../views/assets/analytics.js" with { type: "text" };
import appCss from "../../views/assets/app.css" with { type: "text" };
import appJs from "../../views/assets/app.js" with { type: "text" };
import favicon from "../../views/assets/favicon.svg" with { type: "text" };

const JS = "application/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const SVG = "image/svg+xml";

const ASSETS: Record<string, { body: string; type: string }> = {
  "htmx.min.js": { body: htmxJs, type: JS },
  "app.js": { body: appJs, type: JS },
  "app.css": { body: appCss, type: CSS },
  "favicon.svg": { body: favicon, type: SVG },
  "analytics.js": { body: analyticsJs, type: JS },
  "analytics.css": { body: analyticsCss, type: CSS },
};

interface Prepared {
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  brotli: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

function prepare(body: string, type: string): Prepared {
  const raw = new Uint8Array(Buffer.from(body));
  const etag = `"${new Bun.CryptoHasher("sha256").update(raw).digest("hex").slice(0, 20)}"`;
  return {
    raw,
    gzip: new Uint8Array(gzipSync(raw, { level: 9 })),
    brotli: new Uint8Array(brotliCompressSync(raw)),
    // URLs are not fingerprinted, so browsers revalidate after an hour (cheap: 304 by ETag).
    headers: {
      "content-type": type,
      "cache-control": "public, max-age=3600, must-revalidate",
      "x-content-type-options": "nosniff",
      vary: "Accept-Encoding",
      etag,
    },
  };
}

function serve(asset: Prepared, request: Request): Response {
  if (request.headers.get("if-none-match") === asset.headers.etag) return new Response(null, { status: 304, headers: asset.headers });
  const accept = request.headers.get("accept-encoding") ?? "";
  if (/\bbr\b/.test(accept)) return new Response(asset.brotli, { headers: { ...asset.headers, "content-encoding": "br" } });
  if (/\bgzip\b/.test(accept)) return new Response(asset.gzip, { headers: { ...asset.headers, "content-encoding": "gzip" } });
  return new Response(asset.raw, { headers: asset.headers });
}

export function assetRoutes() {
  const prepared = new Map(Object.entries(ASSETS).map(([name, a]) => [name, prepare(a.body, a.type)]));
  return new Elysia({ name: "dashboard-assets" }).get("/assets/:name", ({ params, request }) => {
    const asset = prepared.get(params.name);
    if (!asset) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return serve(asset, request);
  });
}
