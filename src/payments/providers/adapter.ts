// What every provider adapter does: check that a webhook really comes from the provider
// (over the raw body, as the provider documents it) and read it into PaymentFacts.
import { createHash, timingSafeEqual } from "node:crypto";
import type { PaymentFact, PaymentProvider } from "../payment";

/** The signature (or Gumroad's URL token) is missing, wrong or too old: 400, nothing stored. */
export class SignatureError extends Error {}
/** Signed, but not a payload the adapter can read (not JSON, a required field missing): 400. */
export class PayloadError extends Error {}

export interface WebhookInput {
  headers: Headers;
  /** The raw body, exactly as received: signatures are over these bytes. */
  body: string;
  /** The connection's signing secret (null for Gumroad). */
  secret: string | null;
  /** Gumroad: the SHA-256 of the token Aurea generated, and the token in the request URL. */
  tokenHash: string | null;
  urlToken: string | null;
  /** Server clock, UTC ms. */
  now: number;
  /** The connection records everything as test payments (e.g. a Paddle sandbox). */
  testMode: boolean;
  /** The order an earlier webhook tied this other id to (see ReadEvent.aliases), if any. */
  orderFor?: (alias: string) => string | null;
}

export interface ReadEvent {
  /** The provider's event type, e.g. "checkout.session.completed". */
  type: string;
  /** The provider's id of this event (stable across redeliveries). */
  eventId: string;
  facts: PaymentFact[];
  /** Why a known event type carries nothing to record (e.g. an unpaid session). */
  note?: string;
  /** Other ids of an order this event reveals, for later refunds that name them. */
  aliases?: { alias: string; orderId: string }[];
}

export interface ProviderAdapter {
  provider: PaymentProvider;
  label: string;
  /** The event types to tick in the provider's webhook settings. */
  events: string[];
  /** Whether a signing secret must be given when connecting (Lemon Squeezy's can be generated). */
  secret: "required" | "optional" | "none";
  verify(input: WebhookInput): void;
  read(input: WebhookInput): ReadEvent;
}

/** Stripe and Standard Webhooks answer replays older than this with an error; so do we. */
export const TOLERANCE_SECONDS = 300;

/** Constant-time comparison of two strings (a length difference is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function checkTimestamp(seconds: number, now: number): void {
  if (!Number.isFinite(seconds)) throw new SignatureError("the signature's timestamp is not a number");
  const age = Math.round(now / 1000 - seconds);
  if (Math.abs(age) > TOLERANCE_SECONDS) {
    throw new SignatureError(`the signature's timestamp is ${Math.abs(age)} s ${age > 0 ? "old" : "in the future"} (tolerance ${TOLERANCE_SECONDS} s): a replay, or this server's clock is off`);
  }
}

export function parseJsonObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PayloadError("the body is not JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new PayloadError("the body is not a JSON object");
  return value as Record<string, unknown>;
}

// Small readers for untyped payloads: a missing or mistyped field reads as null.
export type Obj = Record<string, unknown>;
export function obj(v: unknown): Obj {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}
export function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null;
}
export function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}
/** A Stripe-style reference that may be expanded into an object with an id. */
export function idOf(v: unknown): string | null {
  return str(v) ?? str(obj(v).id);
}

/** An integer amount in minor units, or a PayloadError naming the field. */
export function minorAmount(v: unknown, field: string): number {
  const n = num(v);
  if (n === null || !Number.isSafeInteger(n) || n < 0) throw new PayloadError(`${field}: expected a non-negative whole number of minor units`);
  return n;
}

export function currencyCode(v: unknown, field: string): string {
  const c = str(v)?.toUpperCase();
  if (!c || !/^[A-Z]{3}$/.test(c)) throw new PayloadError(`${field}: expected an ISO 4217 currency code`);
  return c;
}

export function required(v: unknown, field: string): string {
  const s = str(v);
  if (!s) throw new PayloadError(`${field}: missing`);
  return s;
}

/** ISO 8601 or Unix seconds → UTC ms; `fallback` when absent or unreadable. */
export function timeMs(v: unknown, fallback: number): number {
  if (typeof v === "number" && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === "string") {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  return fallback;
}

const REFERENCE = /^[A-Za-z0-9_-]{1,64}$/;

/** The first candidate shaped like an SDK checkout reference; other values are not ours. */
export function reference(...candidates: unknown[]): string | null {
  for (const c of candidates) if (typeof c === "string" && REFERENCE.test(c)) return c;
  return null;
}

export function email(v: unknown): string | null {
  const s = str(v)?.trim();
  return s && s.includes("@") && s.length <= 320 ? s : null;
}
