// The dashboard: static assets, sign-in pages, and the funnel management pages.
// Other dashboard plugins (analytics, steps, automations) mount themselves in
// src/server.ts and guard their routes with requireUser(ctx) from ./auth/guard.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { assetRoutes } from "./assets";
import { LoginLimiter } from "./auth/login-limiter";
import { TableThrottleStore } from "./auth/login-throttle";
import { authPages } from "./pages/auth";
import { funnelPages } from "./pages/funnels";
import { installationPages } from "./pages/installation";
import { settingsPages } from "./pages/settings";
import { userPages } from "./pages/users";
import { alertPages } from "./pages/alerts";
import { pageErrors } from "../http/page-errors";

export function dashboardRoutes(ctx: AppContext, opts: { loginLimiter?: LoginLimiter } = {}) {
  const limiter = opts.loginLimiter ?? new LoginLimiter({ now: ctx.now, accountStore: new TableThrottleStore(ctx.store.db) });
  return new Elysia({ name: "dashboard" })
    .use(pageErrors(ctx))
    .use(assetRoutes())
    .use(authPages(ctx, limiter))
    .use(funnelPages(ctx))
    .use(settingsPages(ctx))
    .use(installationPages(ctx))
    .use(userPages(ctx))
    .use(alertPages(ctx));
}
