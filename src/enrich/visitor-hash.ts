/**
 * Cookieless daily visitor id. The salt rotates daily (and is never stored
 * with the events), so the same browser gets a new id every day and the IP
 * cannot be recovered. Parts are JSON-encoded as an array so no value can
 * shift the boundary between two parts ("a|b","c" vs "a","b|c").
 */
export function visitorHash(salt: string, funnelId: string, ip: string, userAgent: string): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(JSON.stringify([salt, funnelId, ip, userAgent]));
  return "h_" + hasher.digest("hex").slice(0, 32);
}
