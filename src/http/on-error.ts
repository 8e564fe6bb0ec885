// The JSON API's one error handler: every error answers {"error": {"code", "message"}}
// with the status src/http/errors.ts maps it to; anything else is a bug, answered 500
// "internal" with a generic sentence and logged with its stack. Framework routes get
// it as an Elysia onError (apiErrors); the native Bun routes (ingest, payment webhooks)
// call apiErrorResponse from their own catch.
import { Elysia } from "elysia";
import { AppError, errorResponse, InternalError, InvalidInput, NotFound } from "./errors";

type Log = (line: string) => void;

/** The framework's own failures (a body it could not parse, no such route) as domain errors. */
export function frameworkError(code: unknown, e: unknown): AppError | null {
  if (code === "PARSE") return new InvalidInput("invalid_json", "the request body could not be parsed");
  if (code === "VALIDATION") return new InvalidInput("invalid_request", e instanceof Error ? e.message : "the request is not valid");
  if (code === "NOT_FOUND") return new NotFound("not_found", "there is no such endpoint");
  return null;
}

/** An unexpected exception: logged with its stack under `label`, answered as "internal". */
export function unexpected(log: Log, label: string | (() => string), e: unknown, message?: string): InternalError {
  log(`${typeof label === "function" ? label() : label}: ${(e as Error)?.stack ?? e}`);
  return new InternalError(message);
}

/** Any thrown value as the API's JSON answer. `headers` go on every answer (CORS). */
export function apiErrorResponse(log: Log, label: string | (() => string), e: unknown, opts: { headers?: Record<string, string>; internalMessage?: string; code?: unknown } = {}): Response {
  const known = e instanceof AppError ? e : frameworkError(opts.code, e);
  return errorResponse(known ?? unexpected(log, label, e, opts.internalMessage), opts.headers);
}

/** `.use(apiErrors(ctx))` first in a JSON API plugin: its routes (and hooks) answer errors in the one shape. */
export function apiErrors(ctx: { log: Log }) {
  // No name: Elysia deduplicates named plugins, and every API plugin needs its own copy.
  return new Elysia().onError({ as: "scoped" }, ({ error, code, request }) =>
    apiErrorResponse(ctx.log, () => `api ${request.method} ${new URL(request.url).pathname}`, error, { code }),
  );
}
