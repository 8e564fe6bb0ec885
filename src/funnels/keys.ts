// Funnel ids and API keys. Keys are 192 random bits, so a plain SHA-256 is a
// safe one-way hash for them (no password stretching needed) and allows lookup.

export type KeyKind = "public" | "secret";

const PREFIX_LENGTH = 11;

function randomToken(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

export function newFunnelId(): string {
  return `fn_${randomToken(9)}`;
}

export function newKey(kind: KeyKind): string {
  return `${kind === "public" ? "pk" : "sk"}_${randomToken(24)}`;
}

export function hashKey(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex");
}

/** What is kept for display: enough to recognise a key, useless to use it. */
export function keyPrefix(key: string): string {
  return `${key.slice(0, PREFIX_LENGTH)}…`;
}

export function keyKindOf(key: string): KeyKind | null {
  if (key.startsWith("pk_")) return "public";
  if (key.startsWith("sk_")) return "secret";
  return null;
}
