// Which funnel and which kind of key a request speaks for, and whether its origin may.
import type { Db } from "../db/open";
import { keyKindOf, type KeyKind } from "../funnels/keys";
import { funnelForKey, type Funnel } from "../funnels/store";
import { HttpError } from "./errors";

/** The key from the body, X-Aurea-Key, or Authorization: Bearer, in that order. */
export function requestKey(bodyKey: string | undefined, headers: Headers): string | undefined {
  if (bodyKey) return bodyKey;
  const header = headers.get("x-aurea-key");
  if (header) return header.trim();
  const auth = headers.get("authorization");
  const m = auth?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

export function authenticate(db: Db, funnelId: string, key: string | undefined): { funnel: Funnel; kind: KeyKind } {
  if (!key) throw new HttpError(401, "missing_key", "no key: send it as \"key\" in the body, X-Aurea-Key, or Authorization: Bearer");
  const kind = keyKindOf(key);
  if (!kind) throw new HttpError(401, "invalid_key", "the key must start with pk_ (public) or sk_ (secret)");
  const funnel = funnelForKey(db, funnelId, key, kind);
  if (!funnel) throw new HttpError(401, "invalid_key", `the ${kind} key is not valid for funnel ${funnelId}`);
  return { funnel, kind };
}

export function checkOrigin(funnel: Funnel, kind: KeyKind, origin: string | null): void {
  if (kind === "secret") return;
  if (!origin) {
    throw new HttpError(403, "origin_required", "a public key can only be used from a browser page on an allowed origin (no Origin header was sent)");
  }
  if (!funnel.origins.includes(origin)) {
    throw new HttpError(403, "origin_not_allowed", `origin ${origin} is not allowed for funnel ${funnel.id}`, {
      origin,
      allowed: funnel.origins,
    });
  }
}
