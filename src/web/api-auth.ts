// The JSON API speaks for one funnel, with that funnel's secret key.
import type { Db } from "../db/open";
import { funnelForKey, type Funnel } from "../funnels/store";
import { HttpError } from "../ingest/errors";

export function requireSecretKey(db: Db, funnelId: string, headers: Headers): Funnel {
  const auth = headers.get("authorization");
  const key = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? headers.get("x-aurea-key") ?? undefined;
  if (!key) throw new HttpError(401, "missing_key", "send the funnel's secret key as Authorization: Bearer sk_…");
  if (!key.startsWith("sk_")) throw new HttpError(401, "invalid_key", "the JSON API needs the secret key (sk_…), not the public key");
  const funnel = funnelForKey(db, funnelId, key, "secret");
  if (!funnel) throw new HttpError(401, "invalid_key", `the secret key is not valid for funnel ${funnelId}`);
  return funnel;
}
