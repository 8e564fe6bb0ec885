// GET /sdk.js: the browser SDK's core; /sdk-capture.js?v=<hash>: its capture chunk,
// which the core loads right after the first page view; /sdk-experiments.js: its
// split-test chunk. All embedded in the executable at build time (scripts/build-sdk.ts
// writes sdk/dist/), compressed once, cached by ETag, loadable from any page.
import { Elysia } from "elysia";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import captureSource from "../../sdk/dist/sdk-capture.js" with { type: "text" };
import experimentsSource from "../../sdk/dist/sdk-experiments.js" with { type: "text" };
import sdkSource from "../../sdk/dist/sdk.js" with { type: "text" };
import { contentVersion } from "./sdk-version";

type Encoding = "br" | "gzip" | "identity";

interface Asset {
  bodies: Record<Encoding, Uint8Array<ArrayBuffer>>;
  etags: Record<Encoding, string>;
  known: Set<string>;
}

function compile(source: string): Asset {
  const raw = new Uint8Array(Buffer.from(source));
  const hash = new Bun.CryptoHasher("sha256").update(raw).digest("hex").slice(0, 20);
  // A strong ETag names one representation, so each encoding has its own.
  const etags: Record<Encoding, string> = { identity: `"${hash}"`, gzip: `"${hash}-gz"`, br: `"${hash}-br"` };
  return {
    bodies: {
      identity: raw,
      gzip: new Uint8Array(gzipSync(raw, { level: 9 })),
      br: new Uint8Array(brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })),
    },
    etags,
    known: new Set(Object.values(etags)),
  };
}

const sdk = compile(sdkSource);
const captureChunk = compile(captureSource);
const experimentsChunk = compile(experimentsSource);
/** The v= the current core asks for: its chunk's URL names this exact content. */
export const CAPTURE_VERSION = contentVersion(captureSource);

const BASE_HEADERS = {
  "content-type": "application/javascript; charset=utf-8",
  "cache-control": "public, max-age=3600, stale-while-revalidate=86400",
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
  // Lets pages see the script's real transfer size in their Resource Timing.
  "timing-allow-origin": "*",
  "x-content-type-options": "nosniff",
  vary: "Accept-Encoding",
};

/** The best encoding the client accepts (q=0 refuses one). */
export function pickEncoding(acceptEncoding: string | null): Encoding {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("*")) return "gzip";
  return "identity";
}

function matches(asset: Asset, ifNoneMatch: string | null): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => asset.known.has(tag.trim().replace(/^W\//, "")));
}

// A URL naming its content never changes; a core cached from an earlier release asks
// with its own v= and gets today's chunk, cached like /sdk.js.
const IMMUTABLE = "public, max-age=31536000, immutable";

function serve(asset: Asset, request: Request, cacheControl = BASE_HEADERS["cache-control"]): Response {
  const encoding = pickEncoding(request.headers.get("accept-encoding"));
  const headers: Record<string, string> = { ...BASE_HEADERS, "cache-control": cacheControl, etag: asset.etags[encoding] };
  if (matches(asset, request.headers.get("if-none-match"))) return new Response(null, { status: 304, headers });
  if (encoding !== "identity") headers["content-encoding"] = encoding;
  const body = asset.bodies[encoding];
  headers["content-length"] = String(body.byteLength);
  return new Response(request.method === "HEAD" ? null : body, { headers });
}

export const serveSdk = (request: Request) => serve(sdk, request);
export const serveExperimentsChunk = (request: Request) => serve(experimentsChunk, request);
export const serveCaptureChunk = (request: Request) =>
  serve(captureChunk, request, new URL(request.url).searchParams.get("v") == CAPTURE_VERSION ? IMMUTABLE : undefined);

export function sdkRoutes() {
  return new Elysia({ name: "sdk" })
    .get("/sdk.js", ({ request }) => serveSdk(request))
    .get("/sdk-capture.js", ({ request }) => serveCaptureChunk(request))
    .get("/sdk-experiments.js", ({ request }) => serveExperimentsChunk(request));
}
