// POST /api/payments/{provider}/{funnelId} (Gumroad: …/gumroad/{funnelId}/{token}): a
// provider's webhook. Verify over the raw body, read it into PaymentFacts, hand them to
// recording, and answer 2xx only once they are durable, so the provider retries anything
// else. Every delivery to a connected funnel leaves one line in its delivery log. Served
// as native Bun routes beside the ingest route.
import type { AppContext } from "../context";
import { errorResponse, InvalidInput, jsonResponse, NotFound, TooLarge, Unavailable } from "../http/errors";
import { apiErrorResponse } from "../http/on-error";
import { readBodyLimited } from "../ingest/read-body";
import { getConnection, type PaymentConnection } from "./connections";
import { alreadyVerified, logDelivery, type DeliveryOutcome } from "./deliveries";
import { orderForAlias, rememberAliases } from "./order-aliases";
import { PAYMENT_PROVIDERS, type PaymentFact, type PaymentProvider } from "./payment";
import { PayloadError, SignatureError, type WebhookInput } from "./providers/adapter";
import { ADAPTERS } from "./providers/index";

/** Providers send a few KB; anything past this is not a payment webhook. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface PaymentRouteDeps {
  /** Resolves once the facts are durably queued (src/payments/record.ts); rejects otherwise. */
  record: (funnelId: string, facts: PaymentFact[]) => Promise<void>;
}

type Params = { provider?: string; funnelId: string; token?: string };

export function paymentRoutes(ctx: AppContext, deps: PaymentRouteDeps) {
  const { db, sqlite } = ctx.store;

  function log(c: PaymentConnection, outcome: DeliveryOutcome, eventType: string | null, eventId: string | null, message: string): void {
    try {
      logDelivery(sqlite, c.id, { at: ctx.now(), outcome, eventType, providerEventId: eventId, message });
    } catch (e) {
      // The log is for the founder's eyes: a failure to write it must not change the answer.
      ctx.log(`payments: delivery log not written: ${(e as Error).message}`);
    }
  }

  async function receive(provider: PaymentProvider, request: Request, p: Params): Promise<Response> {
    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (declared > MAX_WEBHOOK_BYTES) throw new TooLarge("payload_too_large", `request body is over the limit of ${MAX_WEBHOOK_BYTES} bytes`, { bodyUnread: true });
    const connection = getConnection(db, p.funnelId, provider);
    const adapter = ADAPTERS[provider];
    if (!connection) throw new NotFound("not_connected", `${adapter.label} is not connected to funnel ${p.funnelId} (aurea payments add ${provider} --funnel ${p.funnelId})`);
    const body = await readBodyLimited(request, MAX_WEBHOOK_BYTES);
    const input: WebhookInput = {
      headers: request.headers,
      body,
      secret: connection.secret,
      tokenHash: connection.tokenHash,
      urlToken: p.token ?? null,
      now: ctx.now(),
      testMode: connection.testMode,
      orderFor: (alias) => orderForAlias(sqlite, p.funnelId, provider, alias),
    };
    try {
      adapter.verify(input);
    } catch (e) {
      if (!(e instanceof SignatureError)) throw e;
      log(connection, "bad_signature", null, null, e.message);
      throw new InvalidInput("bad_signature", `${adapter.label} signature check failed: ${e.message}`);
    }
    let event;
    try {
      event = adapter.read(input);
    } catch (e) {
      if (!(e instanceof PayloadError)) throw e;
      log(connection, "error", null, null, e.message);
      throw new InvalidInput(e.message.includes("not JSON") ? "invalid_json" : "invalid_payload", `${adapter.label} webhook: ${e.message}`);
    }
    if (event.aliases?.length) rememberAliases(sqlite, p.funnelId, provider, event.aliases, ctx.now());
    if (!event.facts.length) {
      log(connection, "ignored", event.type, event.eventId, event.note ?? "not an event type Aurea counts");
      return jsonResponse(200, event.note ? { ignored: event.type, reason: event.note } : { ignored: event.type });
    }
    if (alreadyVerified(sqlite, connection.id, event.eventId)) {
      log(connection, "duplicate", event.type, event.eventId, "already recorded");
      return jsonResponse(200, { duplicate: event.eventId });
    }
    try {
      await deps.record(p.funnelId, event.facts);
    } catch (e) {
      ctx.log(`payments: ${provider} ${event.eventId} for ${p.funnelId} not recorded: ${(e as Error).stack ?? e}`);
      log(connection, "error", event.type, event.eventId, `not stored: ${(e as Error).message}; the provider will retry`);
      throw new Unavailable("not_stored", "the payment could not be stored; retry", { retryAfterSec: 30 });
    }
    const summary = event.facts.map((f) => `${f.kind} ${f.orderId} ${f.amountMinor} ${f.currency}${f.test ? " (test)" : ""}`).join("; ");
    log(connection, "verified", event.type, event.eventId, summary);
    return jsonResponse(200, { received: event.eventId, recorded: event.facts.length });
  }

  async function handle(provider: string, request: Request, p: Params): Promise<Response> {
    try {
      if (!(PAYMENT_PROVIDERS as readonly string[]).includes(provider)) {
        throw new NotFound("unknown_provider", `no payment provider "${provider}": expected one of ${PAYMENT_PROVIDERS.join(", ")}`);
      }
      return await receive(provider as PaymentProvider, request, p);
    } catch (e) {
      return apiErrorResponse(ctx.log, "payments", e, { internalMessage: "the webhook could not be processed; retry" });
    }
  }

  type Routed = Request & { params: Record<string, string> };
  return {
    "/api/payments/:provider/:funnelId": {
      POST: (r: Routed) => (r.params.provider === "gumroad"
        ? errorResponse(new NotFound("not_connected", "Gumroad's webhook URL ends in its token: /api/payments/gumroad/{funnelId}/{token}"))
        : handle(r.params.provider, r, { funnelId: r.params.funnelId })),
    },
    "/api/payments/gumroad/:funnelId/:token": {
      POST: (r: Routed) => handle("gumroad", r, { funnelId: r.params.funnelId, token: r.params.token }),
    },
  };
}
