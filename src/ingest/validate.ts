// Turns a request body into queued events: whole-request problems throw a
// domain error; a bad event is rejected alone with what and where.
import type { KeyKind } from "../funnels/keys";
import { InvalidInput, TooLarge } from "../http/errors";
import { batchSchema, eventSchema, zodErrors, type FieldError, type ValidEvent } from "./payload";

export interface QueuedEvent extends ValidEvent {
  ts: number;
  flags?: string[];
}

export interface ParsedBatch {
  funnelId: string;
  key: string | undefined;
  sentAt: number | undefined;
  rawEvents: unknown[];
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Where a corrected event time may fall, relative to when its batch was received.
 * Browsers (public keys) send what happened moments ago, or days ago from an offline
 * queue; servers (secret keys) may import history. A time outside is clamped and
 * flagged "clock_clamped": later than received + 1 h becomes the received time,
 * earlier than the window's start becomes its start.
 */
export const TIME_WINDOW = {
  futureMs: HOUR_MS,
  publicPastMs: 72 * HOUR_MS,
  /** 2000-01-01, the earliest time the payload schema takes at all. */
  secretEarliest: 946684800000,
} as const;

export function parseEnvelope(body: string): ParsedBatch {
  if (!body.trim()) throw new InvalidInput("invalid_json", "request body is empty: expected a JSON object with events");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    const why = e instanceof RangeError ? "it is nested too deeply" : (e as Error).message;
    throw new InvalidInput("invalid_json", `request body is not valid JSON: ${why}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidInput("invalid_body", "request body must be a JSON object with funnelId and events");
  }
  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) {
    const errors = zodErrors("", parsed.error);
    const tooMany = errors.find((e, i) => e.path === "events" && parsed.error.issues[i].code === "too_big");
    if (tooMany) throw new TooLarge("too_many_events", `events: ${tooMany.message}`, { details: errors });
    throw new InvalidInput("invalid_body", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { details: errors });
  }
  return { funnelId: parsed.data.funnelId, key: parsed.data.key, sentAt: parsed.data.sentAt, rawEvents: parsed.data.events };
}

export interface ValidatedEvents {
  events: QueuedEvent[];
  rejected: { index: number; errors: FieldError[] }[];
  /** Valid events whose id an earlier event of the batch already had: dropped. */
  duplicates: number;
}

/**
 * Validates each event on its own and corrects its clock: ts is shifted by
 * (receivedAt − sentAt), then kept inside TIME_WINDOW (clamped and flagged if not).
 */
export function validateEvents(raw: unknown[], keyKind: KeyKind, receivedAt: number, sentAt?: number): ValidatedEvents {
  const events: QueuedEvent[] = [];
  const rejected: ValidatedEvents["rejected"] = [];
  const ids = new Set<string>();
  let duplicates = 0;
  const skew = sentAt === undefined ? 0 : receivedAt - sentAt;
  const earliest = keyKind === "public" ? receivedAt - TIME_WINDOW.publicPastMs : TIME_WINDOW.secretEarliest;
  raw.forEach((item, index) => {
    const r = eventSchema.safeParse(item);
    if (!r.success) {
      rejected.push({ index, errors: zodErrors(`events[${index}]`, r.error) });
      return;
    }
    const e = r.data;
    if (keyKind === "public" && (e.ip !== undefined || e.userAgent !== undefined)) {
      const field = e.ip !== undefined ? "ip" : "userAgent";
      rejected.push({ index, errors: [{ path: `events[${index}].${field}`, message: "only a secret key may set ip or userAgent" }] });
      return;
    }
    // Processing keeps one event per id (the first); the answer says so rather than count copies.
    if (ids.has(e.id)) {
      duplicates++;
      return;
    }
    ids.add(e.id);
    let ts = e.ts === undefined ? receivedAt : e.ts + skew;
    let flags: string[] | undefined;
    if (ts > receivedAt + TIME_WINDOW.futureMs) {
      ts = receivedAt;
      flags = ["clock_clamped"];
    } else if (ts < earliest) {
      ts = earliest;
      flags = ["clock_clamped"];
    }
    // zod's output is a fresh object: complete it in place rather than copy it.
    const queued = e as QueuedEvent;
    queued.ts = ts;
    if (flags) queued.flags = flags;
    events.push(queued);
  });
  return { events, rejected, duplicates };
}
