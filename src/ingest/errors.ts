// The old home of the HTTP error type. Errors now live in src/http/errors.ts (domain
// errors and their one mapping to HTTP); this file only keeps the old names working for
// code written against them (branches in flight, older tests). New code: src/http/errors.
import { AppError, errorOfStatus, type ErrorOptions } from "../http/errors";

export { errorBody, errorResponse, jsonResponse } from "../http/errors";

/**
 * @deprecated throw a domain error from src/http/errors.ts (InvalidInput, NotFound…).
 * Status first, as before; `instanceof HttpError` is true of every AppError, so old
 * `catch (e) { if (e instanceof HttpError) … }` blocks still see the new errors.
 */
export class HttpError extends AppError {
  constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
    const retry = headers["retry-after"];
    const opts: ErrorOptions = { details, retryAfterSec: retry === undefined ? undefined : Number(retry) };
    super(errorOfStatus(status, code, message).kind, code, message, opts);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof AppError;
  }
}
