// /setup (first owner), /login, /logout.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { requestClientIp } from "../../enrich/client-ip";
import { html, htmlResponse } from "../../../views/html";
import { loginPage, setupPage } from "../../../views/pages/auth";
import { clearSessionCookie, isHttpsRequest, readCookie, SESSION_COOKIE, sessionCookie } from "../auth/cookies";
import { csrfFromRequest, csrfMatches, currentSession, forbidden, CSRF_MESSAGE } from "../auth/guard";
import type { LoginLimiter } from "../auth/login-limiter";
import { SECURITY_HEADERS, PRIVATE_PAGE_HEADERS } from "../auth/security-headers";
import { createSession, deleteSession } from "../auth/sessions";
import { formField } from "../form";
import { countUsers, createFirstOwner, MIN_PASSWORD_LENGTH, UserInputError, verifyCredentials } from "../auth/users";

const FALLBACK_NEXT = "/funnels";

/**
 * Where to go after signing in: a path on this server, else /funnels. Browsers drop
 * tabs and line breaks from a Location and read "\\" as "/", so "/\t/evil.example"
 * would leave the site: such characters are refused before the URL is parsed against
 * our own origin, and only a same-origin path is kept.
 */
export function safeNext(raw: string, origin = "http://aurea.invalid"): string {
  if (!raw.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(raw)) return FALLBACK_NEXT;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return FALLBACK_NEXT;
  }
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith("//")) return FALLBACK_NEXT;
  return url.pathname + url.search + url.hash;
}

function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, ...PRIVATE_PAGE_HEADERS, ...headers } });
}

/** A cross-site form post to /login or /setup (login CSRF) is refused when the browser says where it came from. */
function crossSite(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return request.headers.get("sec-fetch-site") === "cross-site";
  const host = request.headers.get("host");
  try {
    return new URL(origin).host !== host && request.headers.get("sec-fetch-site") !== "same-origin";
  } catch {
    return true;
  }
}

export function authPages(ctx: AppContext, limiter: LoginLimiter) {
  const { db } = ctx.store;
  const page = (body: Parameters<typeof htmlResponse>[0], status = 200) => htmlResponse(body, status, PRIVATE_PAGE_HEADERS);
  const signIn = (request: Request, userId: number, location: string) => {
    const now = ctx.now();
    const s = createSession(db, userId, now);
    return redirect(location, { "set-cookie": sessionCookie(s.token, s.expiresAt, isHttpsRequest(request, ctx.config), now) });
  };

  return new Elysia()
    .get("/setup", ({ request }) => {
      if (countUsers(db) > 0) return redirect(currentSession(ctx, request) ? "/funnels" : "/login");
      return page(setupPage({ minPassword: MIN_PASSWORD_LENGTH }));
    })
    .post("/setup", async ({ request, body }) => {
      if (crossSite(request)) return htmlResponse(html`Cross-site request refused.`, 403, SECURITY_HEADERS);
      if (countUsers(db) > 0) return redirect("/login");
      const email = formField(body, "email");
      const password = formField(body, "password");
      const fail = (error: string) => page(setupPage({ email, error, minPassword: MIN_PASSWORD_LENGTH }), 422);
      if (password !== formField(body, "confirm")) return fail("The two passwords are not the same.");
      let user;
      try {
        user = await createFirstOwner(db, { email, password }, ctx.now());
      } catch (e) {
        if (e instanceof UserInputError) return fail(e.message);
        throw e;
      }
      if (!user) return redirect("/login");
      ctx.log(`dashboard: owner ${user.email} created through /setup`);
      return signIn(request, user.id, "/funnels");
    })
    .get("/login", ({ request, query }) => {
      if (countUsers(db) === 0) return redirect("/setup");
      if (currentSession(ctx, request)) return redirect(safeNext(query.next ?? "", new URL(request.url).origin));
      return page(loginPage({ next: query.next ?? "", notice: query.out !== undefined ? "You are signed out." : null }));
    })
    .post("/login", async ({ request, body, server }) => {
      if (crossSite(request)) return htmlResponse(html`Cross-site request refused.`, 403, SECURITY_HEADERS);
      const email = formField(body, "email").trim().toLowerCase();
      const next = formField(body, "next");
      const ip = requestClientIp(request.headers, server?.requestIP(request)?.address ?? null, ctx.config, ctx.log) ?? "unknown";
      const keys = [`ip:${ip}`, `account:${email}`];
      const wait = limiter.blockedFor(keys);
      if (wait > 0) {
        const minutes = Math.ceil(wait / 60);
        const error = `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
        return htmlResponse(loginPage({ email, next, error }), 429, { ...PRIVATE_PAGE_HEADERS, "retry-after": String(wait) });
      }
      const user = await verifyCredentials(db, email, formField(body, "password"));
      if (!user) {
        limiter.fail(keys);
        return page(loginPage({ email, next, error: "Wrong email or password." }), 401);
      }
      limiter.succeed(`account:${email}`);
      return signIn(request, user.id, safeNext(next, new URL(request.url).origin));
    })
    .post("/logout", ({ request, body }) => {
      const session = currentSession(ctx, request);
      const secure = isHttpsRequest(request, ctx.config);
      if (session) {
        if (!csrfMatches(session.csrfToken, csrfFromRequest(request, body))) return forbidden(request, session.user, session.csrfToken, CSRF_MESSAGE);
        deleteSession(db, readCookie(request.headers, SESSION_COOKIE)!);
      }
      return redirect("/login?out", { "set-cookie": clearSessionCookie(secure) });
    });
}
