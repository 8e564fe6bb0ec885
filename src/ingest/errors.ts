// Every error of the HTTP API has one JSON shape: {"error": {"code", "message", "details"?}}.
import type { ErrorBody } from "./payload";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
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

export function errorResponse(e: HttpError, headers: Record<string, string> = {}): Response {
  return jsonResponse(e.status, errorBody(e.code, e.message, e.details), { ...e.headers, ...headers });
}
