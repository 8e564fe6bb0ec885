// Turns a request body into queued events: whole-request problems throw an
// HttpError; a bad event is rejected alone with what and where.
import type { KeyKind } from "../funnels/keys";
import { HttpError } from "./errors";
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

const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

export function parseEnvelope(body: string): ParsedBatch {
  if (!body.trim()) throw new HttpError(400, "invalid_json", "request body is empty: expected a JSON object with events");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    const why = e instanceof RangeError ? "it is nested too deeply" : (e as Error).message;
    throw new HttpError(400, "invalid_json", `request body is not valid JSON: ${why}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new HttpError(400, "invalid_body", "request body must be a JSON object with funnelId and events");
  }
  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) {
    const errors = zodErrors("", parsed.error);
    const tooMany = errors.find((e, i) => e.path === "events" && parsed.error.issues[i].code === "too_big");
    if (tooMany) throw new HttpError(413, "too_many_events", `events: ${tooMany.message}`, errors);
    throw new HttpError(400, "invalid_body", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
  return { funnelId: parsed.data.funnelId, key: parsed.data.key, sentAt: parsed.data.sentAt, rawEvents: parsed.data.events };
}

export interface ValidatedEvents {
  events: QueuedEvent[];
  rejected: { index: number; errors: FieldError[] }[];
}

/**
 * Validates each event on its own and corrects its clock: ts is shifted by
 * (receivedAt − sentAt); a time still more than an hour ahead is clamped and flagged.
 */
export function validateEvents(raw: unknown[], keyKind: KeyKind, receivedAt: number, sentAt?: number): ValidatedEvents {
  const events: QueuedEvent[] = [];
  const rejected: ValidatedEvents["rejected"] = [];
  const skew = sentAt === undefined ? 0 : receivedAt - sentAt;
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
    let ts = e.ts === undefined ? receivedAt : e.ts + skew;
    let flags: string[] | undefined;
    if (ts > receivedAt + FUTURE_TOLERANCE_MS) {
      ts = receivedAt;
      flags = ["clock_clamped"];
    }
    // zod's output is a fresh object: complete it in place rather than copy it.
    const queued = e as QueuedEvent;
    queued.ts = ts;
    if (flags) queued.flags = flags;
    events.push(queued);
  });
  return { events, rejected };
}
