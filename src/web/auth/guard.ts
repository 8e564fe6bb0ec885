// The dashboard's auth guard. Every dashboard plugin mounts it before its routes:
//
//   import { requireUser, requireOwner, isOwner } from "./guard";
//
//   export function analyticsRoutes(ctx: AppContext) {
//     return new Elysia()
//       .use(requireUser(ctx))
//       .get("/funnels/:id/sessions", ({ user, csrfToken, params }) =>
//         htmlResponse(page({ title: "Sessions", user, csrfToken, funnel, active: "sessions", body })));
//   }
//
// What requireUser(ctx) does for every route registered AFTER it in that plugin
// (and only there: the hooks are scoped to the plugin that uses it):
// - handlers receive `user` ({ id, email, role: "owner" | "viewer" }) and
//   `csrfToken` (put it in page({ csrfToken }) so htmx sends it, or in plain
//   forms as csrfField(csrfToken) from views/components.ts);
// - no valid session: GET/HEAD → 303 to /login?next=… (or /setup when no user
//   exists yet); htmx requests (HX-Request header) → 401 with HX-Redirect;
// - POST/PUT/PATCH/DELETE: the X-CSRF-Token header or the `_csrf` form field
//   must match the session's token, else 403; and viewers get 403 (viewers read
//   only). Pass { allowViewerWrites: true } for the rare viewer-allowed write;
// - a /funnels/:id/… path a viewer was not granted (funnel-access.ts) → 403, on
//   every method: owners see every funnel, viewers only theirs;
// - every response gets the security headers (CSP, nosniff, …) and
//   Cache-Control: no-store.
// requireOwner(ctx) is the same but refuses viewers on every method (pages that
// exist only to change things, or that show secrets). isOwner(user) lets a page
// hide owner-only buttons for viewers.
// Form validation errors: answer 422 with the re-rendered form; the layout's
// htmx config swaps 422 responses (other 4xx/5xx show a toast).
import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { html, htmlResponse } from "../../../views/html";
import { errorPage } from "../../../views/pages/error";
import { readCookie, SESSION_COOKIE } from "./cookies";
import { PRIVATE_PAGE_HEADERS } from "./security-headers";
import { findSession, type ActiveSession } from "./sessions";
import { canSeeFunnel, funnelIdOfPath } from "./funnel-access";
import { countUsers, type DashboardUser } from "./users";

export type { DashboardUser } from "./users";

export interface GuardOptions {
  /** Let viewers send POST/PUT/PATCH/DELETE to these routes (CSRF is still checked). */
  allowViewerWrites?: boolean;
  /** Refuse viewers on every method, reads included. */
  ownerOnly?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isOwner(user: Pick<DashboardUser, "role"> | null | undefined): boolean {
  return user?.role === "owner";
}

/** The signed-in session of a request, or null (for pages that work both ways, like /login). */
export function currentSession(ctx: AppContext, request: Request): ActiveSession | null {
  const token = readCookie(request.headers, SESSION_COOKIE);
  return token ? findSession(ctx.store.db, token, ctx.now()) : null;
}

export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== "string" || !expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The CSRF token a request carries: X-CSRF-Token header, else the `_csrf` form field. */
export function csrfFromRequest(request: Request, body: unknown): unknown {
  const header = request.headers.get("x-csrf-token");
  if (header) return header;
  if (body && typeof body === "object" && "_csrf" in body) {
    const v = (body as Record<string, unknown>)._csrf;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

export function isHtmx(request: Request): boolean {
  return request.headers.get("hx-request") === "true";
}

/** Where an anonymous visitor goes: the first-run setup, or the login form. */
export function signInRedirect(ctx: AppContext, request: Request): Response {
  let target = "/setup";
  if (countUsers(ctx.store.db) > 0) {
    const url = new URL(request.url);
    const next = url.pathname + url.search;
    target = SAFE_METHODS.has(request.method) && next !== "/" && !isHtmx(request) ? `/login?next=${encodeURIComponent(next)}` : "/login";
  }
  if (isHtmx(request)) return new Response("Sign in again.", { status: 401, headers: { "hx-redirect": target, ...PRIVATE_PAGE_HEADERS } });
  return new Response(null, { status: 303, headers: { location: target, ...PRIVATE_PAGE_HEADERS } });
}

/** 403: a whole page for a browser navigation, just the sentence for htmx (app.js shows it as a toast). */
export function forbidden(request: Request, user: DashboardUser | null, csrfToken: string | undefined, message: string): Response {
  if (isHtmx(request)) return htmlResponse(html`${message}`, 403, PRIVATE_PAGE_HEADERS);
  return htmlResponse(errorPage({ status: 403, title: "Not allowed", message, user, csrfToken }), 403, PRIVATE_PAGE_HEADERS);
}

export const CSRF_MESSAGE = "The form's security token did not match your session. Reload the page and try again.";
export const FUNNEL_MESSAGE = "You do not have access to this funnel. Ask an owner to give you access to it.";
export const VIEWER_MESSAGE = "Your account can view this dashboard but not change it. Ask an owner.";

export function requireUser(ctx: AppContext, opts: GuardOptions = {}) {
  return new Elysia()
    .resolve({ as: "scoped" }, ({ request, set }) => {
      Object.assign(set.headers, PRIVATE_PAGE_HEADERS);
      const session = currentSession(ctx, request);
      // Typed as always present: the hook below answers before any handler runs without one.
      return { user: session?.user as DashboardUser, csrfToken: session?.csrfToken ?? "" };
    })
    .onBeforeHandle({ as: "scoped" }, ({ user, csrfToken, request, body }) => {
      if (!user) return signInRedirect(ctx, request);
      if (opts.ownerOnly && !isOwner(user)) return forbidden(request, user, csrfToken, VIEWER_MESSAGE);
      // Per-funnel access, in this one place for every /funnels/:id/… page, panel, export and stream.
      const funnelId = funnelIdOfPath(new URL(request.url).pathname);
      if (funnelId !== null && !canSeeFunnel(ctx.store.db, user, funnelId)) return forbidden(request, user, csrfToken, FUNNEL_MESSAGE);
      if (SAFE_METHODS.has(request.method)) return;
      if (!csrfMatches(csrfToken, csrfFromRequest(request, body))) return forbidden(request, user, csrfToken, CSRF_MESSAGE);
      if (!opts.allowViewerWrites && !isOwner(user)) return forbidden(request, user, csrfToken, VIEWER_MESSAGE);
    });
}

export function requireOwner(ctx: AppContext) {
  return requireUser(ctx, { ownerOnly: true });
}
