// The wire format of POST /api/track/events: one zod module that the server
// validates with and the SDK imports its types from, so both sides agree.
import { z } from "zod";
import { currencyDigits } from "../pipeline/money";

export const LIMITS = {
  maxBodyBytes: 512 * 1024,
  maxEvents: 500,
  maxProps: 50,
  maxPropKey: 64,
  maxString: 1024,
  maxUrl: 2048,
  maxName: 200,
  maxId: 128,
} as const;

export const EVENT_TYPES = ["page_view", "track", "conversion", "identify"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// NUL bytes and lone surrogates (which UTF-8 cannot encode) break storage and JSON
// round trips downstream. One check for both keeps validation cheap on the hot path.
const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !s.includes("\u0000") && s.isWellFormed(), {
      error: (issue) => ((issue.input as string).includes("\u0000") ? "must not contain NUL bytes" : "must not contain lone surrogates"),
    });

const idText = text(LIMITS.maxId).min(1, "must not be empty");

const timestamp = z
  .number()
  .int("must be an integer number of milliseconds")
  .min(946684800000, "must be a time in ms since 1970 after 2000-01-01")
  .max(32503680000000, "must be a time in ms before the year 3000");

const propValue = z.union([text(LIMITS.maxString), z.number().finite(), z.boolean()]);

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

// Checked on the raw parsed JSON: a "__proto__" own key would otherwise be
// swallowed when zod copies the record into a fresh object.
const flatMap = z
  .custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "must be an object of strings, numbers and booleans")
  .refine((o) => !Object.keys(o).some((k) => FORBIDDEN_KEYS.has(k)), "must not use __proto__, constructor or prototype as a key")
  .refine((o) => Object.keys(o).length <= LIMITS.maxProps, `must have at most ${LIMITS.maxProps} keys`)
  .pipe(z.record(text(LIMITS.maxPropKey).min(1, "keys must not be empty"), propValue));

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export const revenueSchema = z
  .object({
    amount: z.number().finite().min(0, "must not be negative").max(1e12, "is too large"),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
      .transform((c) => c.toUpperCase())
      .refine((c) => CURRENCIES.has(c), { error: (issue) => `"${issue.input}" is not an ISO 4217 currency code` }),
  })
  .superRefine(({ amount, currency }, ctx) => {
    // Revenue is stored in the currency's minor unit (pipeline/money.ts): a finer amount
    // would be silently rounded, so it is refused. Float noise (0.1 + 0.2) is not "finer".
    const digits = currencyDigits(currency);
    const minor = amount * 10 ** digits;
    if (Math.abs(minor - Math.round(minor)) > 1e-6 * Math.max(1, Math.abs(minor))) {
      const places = digits === 0 ? "no decimal places" : `${digits} decimal place${digits === 1 ? "" : "s"}`;
      ctx.addIssue({ code: "custom", path: ["amount"], message: `${amount} is finer than the currency's minor unit: ${currency} has ${places}` });
    }
  });

export const eventSchema = z
  .object({
    id: idText,
    type: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(", ")}` }),
    name: text(LIMITS.maxName).optional(),
    ts: timestamp.optional(),
    anonymousId: idText.optional(),
    sessionId: idText.optional(),
    userId: idText.optional(),
    url: text(LIMITS.maxUrl).optional(),
    referrer: text(LIMITS.maxUrl).optional(),
    title: text(LIMITS.maxString).optional(),
    screen: z
      .object({ w: z.number().int().min(0).max(100000), h: z.number().int().min(0).max(100000) })
      .optional(),
    language: text(35).optional(),
    timezone: text(64).optional(),
    props: flatMap.optional(),
    revenue: revenueSchema.optional(),
    traits: flatMap.optional(),
    /** Secret key only: the visitor's IP and user agent for server-side events. */
    ip: text(64).optional(),
    userAgent: text(LIMITS.maxString).optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.type === "track" || e.type === "conversion") && !e.name) {
      ctx.addIssue({ code: "custom", path: ["name"], message: `is required for ${e.type} events` });
    }
    if (e.revenue && e.type !== "conversion") {
      ctx.addIssue({ code: "custom", path: ["revenue"], message: "is only allowed on conversion events" });
    }
    if (e.type === "identify" && !e.userId && typeof e.traits?.email !== "string") {
      ctx.addIssue({ code: "custom", path: ["userId"], message: "identify needs a userId or traits.email" });
    }
  });

export type TrackEvent = z.input<typeof eventSchema>;
export type ValidEvent = z.output<typeof eventSchema>;

/** The envelope; events are validated one by one so good ones survive bad ones. */
export const batchSchema = z.object({
  funnelId: idText,
  key: text(200).optional(),
  sentAt: timestamp.optional(),
  events: z
    .array(z.unknown())
    .min(1, "must contain at least one event")
    .max(LIMITS.maxEvents, `must contain at most ${LIMITS.maxEvents} events`),
});

export interface TrackBatch {
  funnelId: string;
  key?: string;
  sentAt?: number;
  events: TrackEvent[];
}

export interface FieldError {
  path: string;
  message: string;
}

export interface TrackResponse {
  /** Events kept: valid, and the first of their id within the batch. */
  accepted: number;
  rejected: { index: number; errors: FieldError[] }[];
  /** Later copies of an id already in the batch, dropped; present only when there were any. */
  duplicates?: number;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** "events[3].revenue.amount" style paths for error messages. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function zodErrors(prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: formatPath(prefix, i.path), message: i.message }));
}
