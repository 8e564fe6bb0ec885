// Connecting a provider to a funnel, as the CLI, the JSON API and the dashboard do it:
// validate, generate what Aurea generates (Gumroad's URL token, a Lemon Squeezy secret),
// and describe a connection without ever showing its secret.
import { randomBytes } from "node:crypto";
import type { Database } from "bun:sqlite";
import type { Db } from "../db/open";
import { getFunnel } from "../funnels/store";
import { InvalidInput, NotFound } from "../http/errors";
import { getConnection, listConnections, maskSecret, removeConnection, saveConnection, type PaymentConnection } from "./connections";
import { recentDeliveries, type PaymentDelivery } from "./deliveries";
import { PAYMENT_PROVIDERS, type PaymentProvider } from "./payment";
import { sha256Hex } from "./providers/adapter";
import { ADAPTERS } from "./providers/index";
import { whopVerifier } from "./providers/whop";

export interface ConnectInput {
  provider: string;
  secret?: string | null;
  testMode?: boolean;
}

export interface ConnectResult {
  provider: PaymentProvider;
  funnelId: string;
  /** The webhook URL to paste into the provider (Gumroad's carries its token: shown this once). */
  url: string;
  /** Only when Aurea generated the secret (Lemon Squeezy without --secret): shown this once. */
  secret?: string;
}

export interface ConnectionView {
  provider: PaymentProvider;
  funnelId: string;
  label: string;
  /** Gumroad's URL ends in its token, which is not kept: "…" stands for it. */
  url: string;
  secret: string | null;
  testMode: boolean;
  createdAt: number;
  events: string[];
  lastDelivery: PaymentDelivery | null;
}

export function parseProvider(raw: string): PaymentProvider {
  const p = raw.trim().toLowerCase().replace(/[\s_-]/g, "");
  if ((PAYMENT_PROVIDERS as readonly string[]).includes(p)) return p as PaymentProvider;
  throw new InvalidInput("invalid_provider", `unknown provider "${raw}": expected one of ${PAYMENT_PROVIDERS.join(", ")}`);
}

function requireFunnel(db: Db, funnelId: string): void {
  if (!getFunnel(db, funnelId)) throw new NotFound("funnel_not_found", `there is no funnel ${funnelId}`);
}

export function webhookPath(provider: PaymentProvider, funnelId: string, token?: string): string {
  const base = `/api/payments/${provider}/${encodeURIComponent(funnelId)}`;
  return provider === "gumroad" ? `${base}/${token ?? "…"}` : base;
}

export function webhookUrl(baseUrl: string, provider: PaymentProvider, funnelId: string, token?: string): string {
  return baseUrl.replace(/\/+$/, "") + webhookPath(provider, funnelId, token);
}

function checkSecret(provider: PaymentProvider, secret: string): void {
  if (secret.length > 500 || /\s/.test(secret)) throw new InvalidInput("invalid_secret", "secret: expected the provider's signing secret, without spaces");
  if (provider === "stripe" && !secret.startsWith("whsec_")) {
    throw new InvalidInput("invalid_secret", "secret: Stripe's endpoint signing secret starts with whsec_ (Developers → Webhooks → your endpoint → Signing secret)");
  }
  if (provider === "whop") {
    try {
      whopVerifier(secret);
    } catch (e) {
      throw new InvalidInput("invalid_secret", `secret: ${(e as Error).message}`);
    }
  }
}

export function connectProvider(db: Db, funnelId: string, input: ConnectInput, baseUrl: string, now: number): ConnectResult {
  const provider = parseProvider(input.provider ?? "");
  requireFunnel(db, funnelId);
  const adapter = ADAPTERS[provider];
  let secret = input.secret?.trim() || null;
  let generatedSecret: string | undefined;
  let token: string | undefined;
  if (adapter.secret === "none") {
    if (secret) throw new InvalidInput("invalid_secret", `${adapter.label} does not sign its webhooks: Aurea puts a random token in the URL instead (leave the secret out)`);
    token = randomBytes(24).toString("base64url");
  } else if (!secret) {
    if (adapter.secret === "required") throw new InvalidInput("missing_secret", `${adapter.label} needs the webhook's signing secret (--secret, or "secret" in the JSON)`);
    secret = generatedSecret = `aurea_${randomBytes(18).toString("base64url")}`;
  }
  if (secret) checkSecret(provider, secret);
  saveConnection(db, { funnelId, provider, secret, tokenHash: token ? sha256Hex(token) : null, testMode: Boolean(input.testMode) }, now);
  return { provider, funnelId, url: webhookUrl(baseUrl, provider, funnelId, token), ...(generatedSecret ? { secret: generatedSecret } : {}) };
}

export function disconnectProvider(db: Db, funnelId: string, rawProvider: string): void {
  const provider = parseProvider(rawProvider);
  requireFunnel(db, funnelId);
  if (!removeConnection(db, funnelId, provider)) throw new NotFound("not_connected", `${ADAPTERS[provider].label} is not connected to funnel ${funnelId}`);
}

export function describeConnection(sqlite: Database, c: PaymentConnection, baseUrl: string): ConnectionView {
  const adapter = ADAPTERS[c.provider];
  return {
    provider: c.provider,
    funnelId: c.funnelId,
    label: adapter.label,
    url: webhookUrl(baseUrl, c.provider, c.funnelId),
    secret: maskSecret(c.secret),
    testMode: c.testMode,
    createdAt: c.createdAt,
    events: adapter.events,
    lastDelivery: recentDeliveries(sqlite, c.id, 1)[0] ?? null,
  };
}

export function listConnectionViews(db: Db, sqlite: Database, funnelId: string, baseUrl: string): ConnectionView[] {
  requireFunnel(db, funnelId);
  return listConnections(db, funnelId).map((c) => describeConnection(sqlite, c, baseUrl));
}

export function connectionDeliveries(db: Db, sqlite: Database, funnelId: string, rawProvider: string, limit = 20): PaymentDelivery[] {
  const provider = parseProvider(rawProvider);
  const c = getConnection(db, funnelId, provider);
  if (!c) throw new NotFound("not_connected", `${ADAPTERS[provider].label} is not connected to funnel ${funnelId}`);
  return recentDeliveries(sqlite, c.id, limit);
}
