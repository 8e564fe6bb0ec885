// The analytics dashboard of one funnel: /funnels/:id with its partials, the live
// timeline, sessions, contacts and CSV export. Read-only, so viewers may use it all,
// but for the revenue panel's main currency (a POST: owners only, by the guard).
// The rollups these pages read are marked dirty by the rollup registry, installed with
// the other event listeners (src/pipeline/listeners.ts) wherever processing runs.
import { Elysia } from "elysia";
import { exportCsv, EXPORT_KINDS, type ExportCursor, type ExportKind } from "../analytics/export";
import { localDate } from "../analytics/timezone";
import type { AppContext } from "../context";
import { NotFound } from "../http/errors";
import { refusalLogOf } from "../ingest/refusals";
import { onboarding } from "../../views/analytics/empty";
import { page } from "../../views/layout";
import type { SafeHtml } from "../../views/html";
import { publicOrigin } from "./auth/cookies";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "./auth/guard";
import { PRIVATE_PAGE_HEADERS } from "./auth/security-headers";
import { contactPage, contactsPage, sessionPage, sessionsPage } from "./pages/analytics/lists";
import { chartPartial, eventPropsPartial, livePartial, overviewBody, panelPartial } from "./pages/analytics/overview";
import { analyticsRequest, type Query } from "./pages/analytics/request";
import { timeZonePages } from "./pages/time-zone";
import { dataSizePages } from "./pages/data-size";
import { revenuePartial, saveCurrency } from "./pages/analytics/revenue";
import { formField } from "./form";
import { privateHtml } from "./pages/analytics/respond";
import { pageErrors } from "../http/page-errors";

export function analyticsRoutes(ctx: AppContext) {
  const { reads } = ctx;
  // Only for the funnel's revenue settings (control plane); reports go through reads.
  const { sqlite } = ctx.store;
  const req = (id: string, query: Query, request: Request, user: DashboardUser) => analyticsRequest(ctx, id, query, request.headers, isOwner(user));
  type Req = ReturnType<typeof req>;
  const funnelPage = (r: Req, title: string, active: string, opts: { user: DashboardUser; csrfToken?: string }, body: SafeHtml) =>
    privateHtml(page({ title, user: opts.user, csrfToken: opts.csrfToken, funnel: { id: r.funnel.id, name: r.funnel.name }, timeZone: r.tz, active, body }));

  return new Elysia({ name: "analytics" })
    .use(pageErrors(ctx))
    .use(timeZonePages(ctx))
    .use(dataSizePages(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id", async ({ params, query, request, user, csrfToken }) => {
      const r = req(params.id, query, request, user);
      const funnel = { id: r.funnel.id, name: r.funnel.name };
      const body =
        r.funnel.firstEventAt === null
          ? onboarding({ origin: publicOrigin(request, ctx.config), funnel: r.funnel, csrfToken, canEdit: isOwner(user), refusals: refusalLogOf(sqlite).recent(r.funnel.id) })
          : await overviewBody(reads, r);
      return privateHtml(page({ title: "Overview", user, csrfToken, funnel, timeZone: r.tz, active: "overview", body }));
    })
    .get("/funnels/:id/panels/chart", async ({ params, query, request, user }) =>
      privateHtml(await chartPartial(reads, req(params.id, query, request, user))),
    )
    .get("/funnels/:id/panels/event-props", async ({ params, query, request, user }) =>
      privateHtml(await eventPropsPartial(reads, req(params.id, query, request, user), query)),
    )
    .get("/funnels/:id/panels/revenue", async ({ params, query, request, user, csrfToken }) =>
      privateHtml(await revenuePartial(reads, sqlite, req(params.id, query, request, user), query, isOwner(user) ? { csrfToken } : null)),
    )
    .post("/funnels/:id/panels/revenue/currency", async ({ params, query, request, user, csrfToken, body }) => {
      const r = req(params.id, query, request, user);
      const saved = await saveCurrency(reads, sqlite, r, query, formField(body, "currency"), csrfToken);
      if (saved.status === 200) ctx.log(`dashboard: ${user.email} set the main currency of funnel ${r.funnel.id}`);
      if (isHtmx(request) || saved.status !== 200) return privateHtml(saved.body, saved.status);
      return new Response(null, { status: 303, headers: { location: `/funnels/${encodeURIComponent(r.funnel.id)}` } });
    })
    .get("/funnels/:id/panels/:panel", async ({ params, query, request, user }) =>
      privateHtml(await panelPartial(reads, req(params.id, query, request, user), params.panel, query)),
    )
    .get("/funnels/:id/live", async ({ params, query, request, user }) => {
      const rows = await livePartial(reads, req(params.id, query, request, user), query);
      return rows ? privateHtml(rows) : new Response(null, { status: 204, headers: PRIVATE_PAGE_HEADERS });
    })
    .get("/funnels/:id/sessions", async ({ params, query, request, user, csrfToken }) => {
      const r = req(params.id, query, request, user);
      const body = await sessionsPage(reads, r, query);
      return funnelPage(r, "Sessions", "sessions", { user, csrfToken }, body);
    })
    .get("/funnels/:id/sessions/:sid", async ({ params, query, request, user, csrfToken }) => {
      const r = req(params.id, query, request, user);
      const body = await sessionPage(reads, r, params.sid);
      return funnelPage(r, "Session", "sessions", { user, csrfToken }, body);
    })
    .get("/funnels/:id/contacts", async ({ params, query, request, user, csrfToken }) => {
      const r = req(params.id, query, request, user);
      const body = await contactsPage(reads, r, query);
      return funnelPage(r, "Contacts", "contacts", { user, csrfToken }, body);
    })
    .get("/funnels/:id/contacts/:cid", async ({ params, query, request, user, csrfToken }) => {
      const r = req(params.id, query, request, user);
      const body = await contactPage(reads, r, params.cid);
      return funnelPage(r, "Contact", "contacts", { user, csrfToken }, body);
    })
    .get("/funnels/:id/export/:file", async ({ params, query, request, user }) => {
      const kind = params.file.replace(/\.csv$/, "");
      if (!params.file.endsWith(".csv") || !(EXPORT_KINDS as readonly string[]).includes(kind)) {
        throw new NotFound("not_found", `Exports are ${EXPORT_KINDS.map((k) => `${k}.csv`).join(", ")}.`);
      }
      const r = req(params.id, query, request, user);
      const name = `aurea-${r.funnel.id}-${kind}-${localDate(r.period.from, r.tz)}-to-${localDate(r.period.to - 1, r.tz)}.csv`;
      const pages = (before: ExportCursor | null) => reads.run("dashboard.exportPage", { kind: kind as ExportKind, scope: r.scope, tz: r.tz, before });
      // The first page is read before answering, so a report that is too slow still gets an error page.
      const first = await pages(null);
      return new Response(exportCsv(kind as ExportKind, first, pages), {
        headers: {
          ...PRIVATE_PAGE_HEADERS,
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        },
      });
    });
}
