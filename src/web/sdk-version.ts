// The version in a chunk's URL (/sdk-capture.js?v=…): the first 12 hex digits of the
// SHA-256 of its code. scripts/build-sdk.ts puts it into the core; src/web/sdk-route.ts
// serves a matching request as cacheable for good.
export function contentVersion(code: string): string {
  return new Bun.CryptoHasher("sha256").update(code).digest("hex").slice(0, 12);
}
