// The app's errors, in one place. Lower layers (analytics, funnels, automations,
// payments, ingest checks) throw the domain errors below, which say what went wrong,
// never which HTTP status to answer; the table KIND_STATUS is the only mapping to a
// status, and errorBody() the only JSON shape: {"error": {"code", "message", "details"?}}.
// The handlers that turn any thrown value into a response are in ./on-error.ts.
import type { ErrorBody } from "../ingest/payload";

export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "length_required"
  | "too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** The one mapping from what went wrong to the status it answers. */
export const KIND_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  length_required: 411,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorOptions {
  /** Machine-readable detail for the caller (field errors, a suggestion…), sent as `details`. */
  details?: unknown;
  /** Seconds after which a retry may succeed (Retry-After). */
  retryAfterSec?: number;
}

/**
 * Something the caller can be told: `code` is the stable machine name the API documents
 * (docs/api.md), `message` a sentence that says what to fix.
 */
export class AppError extends Error {
  readonly details?: unknown;
  readonly retryAfterSec?: number;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    opts: ErrorOptions = {},
  ) {
    super(message);
    this.details = opts.details;
    this.retryAfterSec = opts.retryAfterSec;
  }

  /** The HTTP status this error answers with (KIND_STATUS). */
  get status(): number {
    return KIND_STATUS[this.kind];
  }
}

/** Bad input: a query parameter, a body, a form field. `path` names the field when there is one. */
export class InvalidInput extends AppError {
  readonly path?: string;
  constructor(code: string, message: string, opts: ErrorOptions & { path?: string } = {}) {
    super("invalid", code, message, opts);
    this.path = opts.path;
  }
}

/** No key, or a key that does not open this funnel. */
export class Unauthenticated extends AppError {
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super("unauthenticated", code, message, opts);
  }
}

export class Forbidden extends AppError {
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super("forbidden", code, message, opts);
  }
}

export class NotFound extends AppError {
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super("not_found", code, message, opts);
  }
}

/** The request is fine but clashes with what is stored (already exists, already stopped…). */
export class Conflict extends AppError {
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super("conflict", code, message, opts);
  }
}

/** A body of unknown length where the length must be known before reading it. */
export class LengthRequired extends AppError {
  constructor(message: string) {
    super("length_required", "length_required", message);
  }
}

/** Over a size limit. `bodyUnread`: refused before reading the body, so the connection is closed rather than drained. */
export class TooLarge extends AppError {
  readonly bodyUnread: boolean;
  constructor(code: string, message: string, opts: ErrorOptions & { bodyUnread?: boolean } = {}) {
    super("too_large", code, message, opts);
    this.bodyUnread = opts.bodyUnread ?? false;
  }
}

export class RateLimited extends AppError {
  constructor(message: string, retryAfterSec: number) {
    super("rate_limited", "rate_limited", message, { retryAfterSec });
  }
}

/** The server cannot do it now (queue full, disk full, stopping, busy); a retry later may work. */
export class Unavailable extends AppError {
  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super("unavailable", code, message, opts);
  }
}

/** A read ran past its budget and was abandoned; pages say so, the API answers 503. */
export class ReadTimeout extends Unavailable {
  constructor(budgetMs: number) {
    super(
      "query_timeout",
      `This report took too long (over ${Math.round(budgetMs / 1000)} s) and was stopped. Try a shorter date range or fewer filters.`,
    );
  }
}

/** What an unexpected exception answers: nothing of its text reaches the caller (it is logged). */
export class InternalError extends AppError {
  constructor(message = "something went wrong on the server; see its log") {
    super("internal", "internal", message);
  }
}

const STATUS_KIND = new Map(Object.entries(KIND_STATUS).map(([kind, status]) => [status, kind as ErrorKind]));

/** Rebuilds an error from its status (errors crossing a thread boundary). */
export function errorOfStatus(status: number, code: string, message: string, opts: ErrorOptions = {}): AppError {
  return new AppError(STATUS_KIND.get(status) ?? "internal", code, message, opts);
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Headers an error implies: Retry-After, and closing the connection after a body that was not read. */
export function errorHeaders(e: AppError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (e.retryAfterSec !== undefined) headers["retry-after"] = String(e.retryAfterSec);
  if ((e instanceof TooLarge && e.bodyUnread) || e.kind === "length_required") headers.connection = "close";
  return headers;
}

/** The JSON answer for an error: its status, the one shape, and the headers it implies. */
export function errorResponse(e: AppError, headers: Record<string, string> = {}): Response {
  return jsonResponse(e.status, errorBody(e.code, e.message, e.details), { ...errorHeaders(e), ...headers });
}
