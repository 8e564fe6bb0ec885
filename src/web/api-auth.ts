// The JSON API speaks for one funnel, with that funnel's secret key.
import type { AppContext } from "../context";
import type { Db } from "../db/open";
import { funnelForKey, type Funnel } from "../funnels/store";
import { InvalidInput, Unauthenticated } from "../http/errors";
import { readBodyLimited } from "../ingest/read-body";

export function requireSecretKey(db: Db, funnelId: string, headers: Headers): Funnel {
  const auth = headers.get("authorization");
  const key = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? headers.get("x-aurea-key") ?? undefined;
  if (!key) throw new Unauthenticated("missing_key", "send the funnel's secret key as Authorization: Bearer sk_…");
  if (!key.startsWith("sk_")) throw new Unauthenticated("invalid_key", "the JSON API needs the secret key (sk_…), not the public key");
  const funnel = funnelForKey(db, funnelId, key, "secret");
  if (!funnel) throw new Unauthenticated("invalid_key", `the secret key is not valid for funnel ${funnelId}`);
  return funnel;
}

export type ApiParams = Record<string, string>;
export type ApiQuery = Record<string, string | undefined>;
export type ApiHandler = (p: ApiParams, request: Request, query: ApiQuery) => Promise<Response> | Response;

/**
 * A JSON API route of one funnel, authenticated with its secret key. Errors are left to
 * the plugin's apiErrors (src/http/on-error.ts): the one shape, unexpected ones logged.
 */
export function secretKeyRoute(ctx: AppContext) {
  return (fn: ApiHandler) =>
    ({ params, request, query }: { params: ApiParams; request: Request; query?: ApiQuery }) => {
      requireSecretKey(ctx.store.db, params.id, request.headers);
      return fn(params, request, query ?? {});
    };
}

/** A JSON object body of at most 16 KB; `example` shows the caller what a good one looks like. */
export async function readJsonObject(request: Request, example: string): Promise<Record<string, unknown>> {
  const text = await readBodyLimited(request, 16 * 1024);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidInput("invalid_json", `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new InvalidInput("invalid_json", `expected a JSON object like ${example}`);
  return value as Record<string, unknown>;
}
