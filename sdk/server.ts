// Aurea's server-side client for Bun and Node 18+: send events with the funnel's
// secret key from your backend (payment webhooks, sign-ups). Conversions sent this
// way count as verified revenue. Retries network errors, 429 and 5xx with backoff.
//
//   import { createAureaServer } from "./aurea/sdk/server";
//   const aurea = createAureaServer({ apiUrl, funnelId, secretKey: process.env.AUREA_SECRET_KEY! });
//   await aurea.conversion("purchase", { revenue: 49, currency: "EUR", orderId: "ord_1", email });
import type { ErrorBody, TrackEvent, TrackResponse } from "../src/ingest/payload";
import { retryDelay } from "./src/backoff";

export type { TrackEvent, TrackResponse };

type Flat = Record<string, string | number | boolean>;

export interface AureaServerOptions {
  /** Aurea's origin, e.g. https://aurea.example.com */
  apiUrl: string;
  funnelId: string;
  /** The funnel's secret key (sk_…). Keep it on the server. */
  secretKey: string;
  /** Retries after the first attempt (4). */
  retries?: number;
  /** Per attempt (10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<unknown>;
}

export interface ServerEventOptions {
  /** Links the event to the contact with this email. */
  email?: string;
  userId?: string;
  /** The browser visitor's id, when you have it (window.aurea sets none in cookieless mode). */
  anonymousId?: string;
  sessionId?: string;
  props?: Flat;
  traits?: Flat;
  /** The visitor's IP and user agent, for geo and device; otherwise the event has neither. */
  ip?: string;
  userAgent?: string;
  url?: string;
  ts?: number | Date;
  /** Event id for deduplication; random by default. */
  id?: string;
}

export interface ServerConversionOptions extends ServerEventOptions {
  /** Major units (49.99). */
  revenue?: number;
  currency?: string;
  /** Makes the event id `<name>:<orderId>`, so a retried webhook is counted once. */
  orderId?: string;
}

export class AureaError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AureaError";
  }
}

function toEvent(type: TrackEvent["type"], name: string | undefined, o: ServerEventOptions): TrackEvent {
  const traits: Flat = { ...o.traits };
  if (o.email) traits.email = o.email;
  const ev: TrackEvent = {
    id: o.id ?? crypto.randomUUID(),
    type,
    name,
    ts: o.ts instanceof Date ? o.ts.getTime() : (o.ts ?? Date.now()),
    userId: o.userId,
    anonymousId: o.anonymousId,
    sessionId: o.sessionId,
    url: o.url,
    ip: o.ip,
    userAgent: o.userAgent,
    props: o.props,
    traits: Object.keys(traits).length ? traits : undefined,
  };
  return ev;
}

export function createAureaServer(options: AureaServerOptions) {
  const { funnelId, secretKey, retries = 4, timeoutMs = 10_000 } = options;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const url = options.apiUrl.replace(/\/+$/, "") + "/api/track/events";

  /** Sends events in one request; resolves with the server's answer, throws AureaError when it is final. */
  async function send(events: TrackEvent[]): Promise<TrackResponse> {
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let failure: string;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
          body: JSON.stringify({ funnelId, sentAt: Date.now(), events }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) return (await res.json()) as TrackResponse;
        const body = (await res.json().catch(() => null)) as ErrorBody | null;
        failure = body?.error?.message ?? `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) {
          throw new AureaError(failure, res.status, body?.error?.code ?? "http_error", body?.error?.details);
        }
      } catch (e) {
        if (e instanceof AureaError) throw e;
        res = undefined;
        failure = (e as Error).message;
      }
      if (attempt >= retries) throw new AureaError(`gave up after ${attempt + 1} attempts: ${failure}`, res?.status ?? null, "unavailable");
      await sleep(retryDelay(attempt, res?.headers.get("retry-after")));
    }
  }

  return {
    send,
    track: (name: string, o: ServerEventOptions = {}) => send([toEvent("track", name, o)]),
    conversion(name: string, o: ServerConversionOptions = {}) {
      const ev = toEvent("conversion", name, o);
      if (o.orderId) {
        ev.id = o.id ?? `${name}:${o.orderId}`.slice(0, 128);
        ev.props = { ...o.props, order_id: o.orderId };
      }
      if (o.revenue !== undefined) ev.revenue = { amount: o.revenue, currency: o.currency ?? "USD" };
      return send([ev]);
    },
    /** A user id, or an email (anything with an @ goes as traits.email). */
    identify(userIdOrEmail: string, traits: Flat = {}, o: ServerEventOptions = {}) {
      const email = userIdOrEmail.includes("@");
      return send([toEvent("identify", undefined, { ...o, traits: { ...o.traits, ...traits }, ...(email ? { email: userIdOrEmail } : { userId: userIdOrEmail }) })]);
    },
  };
}

export type AureaServer = ReturnType<typeof createAureaServer>;
