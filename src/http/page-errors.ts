// The dashboard pages' one error handler: a domain error answers its status with the
// sentence alone for htmx (app.js shows it as a toast) or a whole error page for a
// browser navigation; anything else is a bug, logged with its stack and answered 500
// the same way with a generic sentence.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { html, htmlResponse } from "../../views/html";
import { errorPage } from "../../views/pages/error";
import { currentSession, isHtmx } from "../web/auth/guard";
import { PRIVATE_PAGE_HEADERS } from "../web/auth/security-headers";
import { AppError, errorHeaders, NotFound } from "./errors";
import { apiErrorResponse, frameworkError, unexpected } from "./on-error";

const TITLES: Partial<Record<AppError["kind"], string>> = {
  invalid: "Bad request",
  unauthenticated: "Sign in again",
  forbidden: "Not allowed",
  not_found: "Not found",
  conflict: "Could not do that",
  too_large: "Too large",
  rate_limited: "Too many requests",
  unavailable: "Try again in a moment",
  internal: "Something went wrong",
};

const INTERNAL_MESSAGE = "Something went wrong on the server and has been logged. Try again, or reload the page.";

function titleOf(e: AppError): string {
  if (e.code === "query_timeout") return "This report took too long";
  return TITLES[e.kind] ?? "Error";
}

/** The page or htmx fragment for any thrown value. */
export function pageErrorResponse(ctx: AppContext, request: Request, e: unknown, code?: unknown): Response {
  const known = e instanceof AppError ? e : frameworkError(code, e);
  const error = known ?? unexpected(ctx.log, () => `dashboard ${request.method} ${new URL(request.url).pathname}`, e, INTERNAL_MESSAGE);
  const headers = { ...PRIVATE_PAGE_HEADERS, ...errorHeaders(error) };
  if (isHtmx(request)) return htmlResponse(html`${error.message}`, error.status, headers);
  let session = null;
  try {
    session = currentSession(ctx, request);
  } catch {
    // the error may be the database itself: the page is drawn signed out
  }
  const body = errorPage({ status: error.status, title: titleOf(error), message: error.message, user: session?.user ?? null, csrfToken: session?.csrfToken });
  return htmlResponse(body, error.status, headers);
}

/** `.use(pageErrors(ctx))` first in a dashboard plugin: its routes (and hooks) answer errors as pages. */
export function pageErrors(ctx: AppContext) {
  // No name: Elysia deduplicates named plugins, and every page plugin needs its own copy.
  return new Elysia().onError({ as: "scoped" }, ({ error, code, request }) => pageErrorResponse(ctx, request, error, code));
}

/** For the app itself, last: an address no route has answers 404 as JSON under /api/, else as a page. */
export function unknownRoute(ctx: AppContext) {
  return ({ code, request }: { code: unknown; request: Request }): Response | undefined => {
    if (code !== "NOT_FOUND") return undefined;
    const path = new URL(request.url).pathname;
    if (path.startsWith("/api/")) return apiErrorResponse(ctx.log, "api", new NotFound("not_found", `there is no endpoint ${request.method} ${path}`));
    return pageErrorResponse(ctx, request, new NotFound("not_found", "There is no page at this address."));
  };
}
