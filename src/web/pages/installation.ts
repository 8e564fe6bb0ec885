// Settings → Installation actions: the refused-requests partial (polled), "allow this
// origin" (which touches the change stamp so ingest reloads the funnel's origins), and
// the query parameters a funnel keeps in recorded URLs.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { parseKeptParams } from "../../enrich/url-privacy";
import { FunnelInputError, getFunnel, normaliseOrigin, setKeptParams, updateFunnel, type Funnel } from "../../funnels/store";
import { refusalLogOf } from "../../ingest/refusals";
import { html, htmlResponse } from "../../../views/html";
import { installDiagnostics } from "../../../views/pages/install-diagnostics";
import { funnelScriptTag, keptParamsForm } from "../../../views/pages/installation";
import { publicOrigin } from "../auth/cookies";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField } from "../form";

export function diagnosticsOf(ctx: AppContext, funnel: Funnel, csrfToken: string, canEdit: boolean, allowed: string | null = null) {
  const refusals = refusalLogOf(ctx.store.sqlite).recent(funnel.id);
  return installDiagnostics({ funnelId: funnel.id, origins: funnel.origins, refusals, csrfToken, canEdit, allowed });
}

export function installationPages(ctx: AppContext) {
  const { db } = ctx.store;
  const missing = () => htmlResponse(html`This funnel no longer exists.`, 404);

  return new Elysia()
    .use(requireUser(ctx))
    .get("/funnels/:id/install-diagnostics", ({ params, user, csrfToken }) => {
      const funnel = getFunnel(db, params.id);
      return funnel ? htmlResponse(diagnosticsOf(ctx, funnel, csrfToken, isOwner(user))) : missing();
    })
    .post(
      "/funnels/:id/allow-origin",
      ({ params, body, user, csrfToken, request }: { params: { id: string }; body: unknown; user: DashboardUser; csrfToken: string; request: Request }) => {
        const funnel = getFunnel(db, params.id);
        if (!funnel) return missing();
        let origin: string;
        try {
          origin = normaliseOrigin(formField(body, "origin"));
        } catch (e) {
          if (e instanceof FunnelInputError) return htmlResponse(html`<div class="alert bad" role="alert">${e.message}</div>`, 422);
          throw e;
        }
        const saved = funnel.origins.includes(origin) ? funnel : updateFunnel(db, funnel.id, { origins: [...funnel.origins, origin] })!;
        refusalLogOf(ctx.store.sqlite).forget(funnel.id, (r) => r.code === "origin_not_allowed" && r.origin === origin);
        ctx.log(`dashboard: ${user.email} allowed origin ${origin} for funnel ${funnel.id}`);
        if (isHtmx(request)) return htmlResponse(diagnosticsOf(ctx, saved, csrfToken, true, origin));
        return new Response(null, { status: 303, headers: { location: `/funnels/${encodeURIComponent(funnel.id)}/settings#install` } });
      },
    )
    .post(
      "/funnels/:id/kept-params",
      ({ params, body, user, csrfToken, request }: { params: { id: string }; body: unknown; user: DashboardUser; csrfToken: string; request: Request }) => {
        const funnel = getFunnel(db, params.id);
        if (!funnel) return missing();
        const value = formField(body, "kept_params");
        const parsed = parseKeptParams(value);
        if (parsed.error) {
          const error = `Query parameters to keep: ${parsed.error}.`;
          return htmlResponse(keptParamsForm({ funnelId: funnel.id, value, csrfToken, canEdit: true, error }), 422);
        }
        setKeptParams(db, funnel.id, parsed.params);
        ctx.log(`dashboard: ${user.email} set the kept query parameters of funnel ${funnel.id}`);
        if (isHtmx(request)) {
          // The script tag carries the list for the SDK: swap the shown one too.
          const tag = funnelScriptTag(publicOrigin(request, ctx.config), getFunnel(db, funnel.id)!);
          const form = keptParamsForm({ funnelId: funnel.id, value: parsed.params.join(", "), csrfToken, canEdit: true, saved: true });
          return htmlResponse(html`${form}${tag ? html`<code id="install-snippet" hx-swap-oob="true">${tag}</code>` : ""}`);
        }
        return new Response(null, { status: 303, headers: { location: `/funnels/${encodeURIComponent(funnel.id)}/settings#install` } });
      },
    );
}
