// Which funnel and which kind of key a request speaks for, and whether its origin may.
import type { Database } from "bun:sqlite";
import { readStamp, STAMP_SETTLE_MS, stampPathOf, type Stamp } from "../funnels/change-stamp";
import { hashKey, keyKindOf, type KeyKind } from "../funnels/keys";
import { Forbidden, Unauthenticated } from "../http/errors";

/** What ingest needs of a funnel: who it is, its key hashes, where its pages may send from. */
export interface FunnelKeys {
  id: string;
  publicKeyHash: string;
  secretKeyHash: string;
  origins: string[];
}

/**
 * Funnels' keys and origins as of the last change (change-stamp.ts): read from the
 * database once, then served from memory until a funnel's keys, origins or existence
 * change in any process.
 */
export class FunnelKeyCache {
  private byId = new Map<string, FunnelKeys>();
  private stamp: Stamp = { version: "\u0000", touchedAt: 0 };
  private select;
  private stampPath: string | null;

  constructor(
    sqlite: Database,
    private now: () => number = Date.now,
  ) {
    this.stampPath = stampPathOf(sqlite.filename);
    this.select = sqlite.prepare<{ id: string; publicKeyHash: string; secretKeyHash: string; origins: string }, [string]>(
      "SELECT id, public_key_hash AS publicKeyHash, secret_key_hash AS secretKeyHash, origins FROM funnels WHERE id = ?",
    );
  }

  get(id: string): FunnelKeys | null {
    const trusted = this.current();
    const cached = trusted ? this.byId.get(id) : undefined;
    if (cached) return cached;
    const row = this.select.get(id);
    if (!row) return null;
    const keys = { ...row, origins: JSON.parse(row.origins) as string[] };
    if (trusted) this.byId.set(id, keys);
    return keys;
  }

  /** Whether cached copies may be used (and kept); drops them when the stamp moved. */
  private current(): boolean {
    if (!this.stampPath) return false;
    const stamp = readStamp(this.stampPath);
    if (stamp.version !== this.stamp.version) {
      this.byId.clear();
      this.stamp = stamp;
    }
    return this.now() - stamp.touchedAt > STAMP_SETTLE_MS;
  }
}

/** The key from the body, X-Aurea-Key, or Authorization: Bearer, in that order. */
export function requestKey(bodyKey: string | undefined, headers: Headers): string | undefined {
  if (bodyKey) return bodyKey;
  const header = headers.get("x-aurea-key");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  const m = auth?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

export function authenticate(cache: FunnelKeyCache, funnelId: string, key: string | undefined): { funnel: FunnelKeys; kind: KeyKind } {
  if (!key) throw new Unauthenticated("missing_key", "no key: send it as \"key\" in the body, X-Aurea-Key, or Authorization: Bearer");
  const kind = keyKindOf(key);
  if (!kind) throw new Unauthenticated("invalid_key", "the key must start with pk_ (public) or sk_ (secret)");
  const funnel = cache.get(funnelId);
  const expected = kind === "public" ? funnel?.publicKeyHash : funnel?.secretKeyHash;
  if (!funnel) throw new Unauthenticated("invalid_key", `there is no funnel ${funnelId}: copy data-funnel-id from the funnel's Settings → Installation`);
  if (hashKey(key) !== expected) {
    const fix = kind === "public" ? "copy the script tag again from the funnel's Settings → Installation" : "use the secret key shown when the keys were last made";
    throw new Unauthenticated("invalid_key", `the ${kind} key is not valid for funnel ${funnelId}: ${fix}`);
  }
  return { funnel, kind };
}

export function checkOrigin(funnel: FunnelKeys, kind: KeyKind, origin: string | null): void {
  if (kind === "secret") return;
  if (!origin) {
    throw new Forbidden("origin_required", "a public key can only be used from a browser page on an allowed origin (no Origin header was sent); send server-side events with the secret key");
  }
  if (!funnel.origins.includes(origin)) {
    // The allowed origins are the operator's business, not the caller's: not listed here.
    throw new Forbidden("origin_not_allowed", `origin ${origin} is not allowed for funnel ${funnel.id}: add it to the funnel's allowed origins (Settings → Installation)`, {
      details: { origin },
    });
  }
}
