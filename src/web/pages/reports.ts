// Settings → Email reports (recipients per funnel, owner-only changes) and the public
// one-click unsubscribe endpoint the digests link to (RFC 8058: POST unsubscribes,
// GET only asks).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { getFunnel, type Funnel } from "../../funnels/store";
import { CADENCES, type Cadence } from "../../reports/period";
import { recentSends } from "../../reports/sends";
import { replaceSubscribers, SubscriptionInputError, subscriptions, unsubscribe } from "../../reports/subscriptions";
import { verifyUnsubscribeToken } from "../../reports/unsubscribe";
import { funnelTimeZone } from "../../reports/zone";
import { htmlResponse } from "../../../views/html";
import { reportsPanel } from "../../../views/reports/settings";
import { unsubscribeConfirm, unsubscribeDone, unsubscribeRefused } from "../../../views/reports/unsubscribe";
import { funnelAudience } from "../auth/funnel-access";
import { isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { PRIVATE_PAGE_HEADERS } from "../auth/security-headers";
import { formLines, formList } from "../form";
import { pageErrors } from "../../http/page-errors";

export function unsubscribeRoutes(ctx: AppContext) {
  const { sqlite, db } = ctx.store;
  const target = (token: string) => {
    const t = verifyUnsubscribeToken(sqlite, token, ctx.now());
    const funnel = t ? getFunnel(db, t.funnelId) : null;
    return t && funnel ? { ...t, funnel } : null;
  };
  const page = (body: string, status = 200) => htmlResponse(body, status, PRIVATE_PAGE_HEADERS);
  return new Elysia({ name: "unsubscribe" })
    .use(pageErrors(ctx))
    .get("/reports/unsubscribe/:token", ({ params, request }) => {
      const t = target(params.token);
      if (!t) return page(unsubscribeRefused(), 400);
      return page(unsubscribeConfirm(t.email, t.funnel.name, t.cadence, new URL(request.url).pathname));
    })
    .post("/reports/unsubscribe/:token", ({ params }) => {
      const t = target(params.token);
      if (!t) return page(unsubscribeRefused(), 400);
      if (unsubscribe(sqlite, t.funnelId, t.email, t.cadence)) ctx.log(`reports: ${t.email} unsubscribed from the ${t.cadence} digest of funnel ${t.funnelId}`);
      return page(unsubscribeDone(t.email, t.funnel.name, t.cadence));
    });
}

export function reportSettingsPages(ctx: AppContext) {
  const { sqlite, db } = ctx.store;

  function panel(c: { user: DashboardUser; csrfToken: string }, funnel: Funnel, extra: { saved?: boolean; error?: string } = {}, status = 200): Response {
    const subs = subscriptions(sqlite, funnel.id);
    const subscribers = Object.fromEntries(CADENCES.map((k) => [k, subs.filter((s) => s.cadence === k).map((s) => s.email)])) as Record<Cadence, string[]>;
    const body = reportsPanel({
      funnelId: funnel.id,
      csrfToken: c.csrfToken,
      canEdit: isOwner(c.user),
      smtp: ctx.config.mail ? `${ctx.config.mail.shown} as ${ctx.config.mail.from}` : null,
      publicUrl: ctx.config.publicUrl ?? null,
      zone: funnelTimeZone(db, funnel.id),
      users: funnelAudience(db, funnel.id),
      subscribers,
      sends: recentSends(sqlite, funnel.id),
      ...extra,
    });
    return htmlResponse(body, status, PRIVATE_PAGE_HEADERS);
  }

  return new Elysia({ name: "report-settings" })
    .use(pageErrors(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id/settings/reports", ({ params, user, csrfToken }) => {
      const funnel = getFunnel(db, params.id);
      return funnel ? panel({ user, csrfToken }, funnel) : htmlResponse("This funnel no longer exists.", 404);
    })
    .post("/funnels/:id/settings/reports", ({ params, user, csrfToken, body }) => {
      const funnel = getFunnel(db, params.id);
      if (!funnel) return htmlResponse("This funnel no longer exists.", 404);
      try {
        sqlite.transaction(() => {
          for (const k of CADENCES) replaceSubscribers(sqlite, funnel.id, k, [...formList(body, k), ...formLines(body, `${k}_extra`)], ctx.now());
        })();
      } catch (e) {
        if (e instanceof SubscriptionInputError) return panel({ user, csrfToken }, funnel, { error: e.message }, 422);
        throw e;
      }
      ctx.log(`dashboard: ${user.email} changed the digest recipients of funnel ${funnel.id}`);
      return panel({ user, csrfToken }, funnel, { saved: true });
    });
}
