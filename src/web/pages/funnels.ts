// /funnels (cards), registering a funnel, the switcher menu, the install check.
import { Elysia } from "elysia";
import { emptyCardStats } from "../../store/dashboard-views";
import { ReadTimeoutError } from "../../analytics/reads/run";
import type { AppContext } from "../../context";
import { captureFromForm } from "../../funnels/capture";
import { createFunnel, FunnelInputError, getFunnel, listFunnels, normaliseOrigin } from "../../funnels/store";
import { card } from "../../../views/components";
import { html, htmlResponse, type SafeHtml } from "../../../views/html";
import { page } from "../../../views/layout";
import { errorPage } from "../../../views/pages/error";
import { funnelMenu, funnelsPage } from "../../../views/pages/funnels";
import { installCheckInner, installPanel, registerForm, type RegisterFormValues } from "../../../views/pages/register";
import { publicOrigin } from "../auth/cookies";
import { onlyVisible } from "../auth/funnel-access";
import { forbidden, isHtmx, isOwner, requireUser, VIEWER_MESSAGE } from "../auth/guard";
import { formField, formLines, formList } from "../form";

/** Checks the form field by field so the message says where the problem is. */
export function parseFunnelForm(body: unknown): { values: RegisterFormValues; origins: string[]; error: string | null } {
  const values: RegisterFormValues = {
    name: formField(body, "name").trim(),
    description: formField(body, "description").trim(),
    url: formField(body, "url").trim(),
    origins: formField(body, "origins"),
    capture: captureFromForm(formList(body, "capture")),
  };
  const origins = formLines(body, "origins");
  if (!values.name) return { values, origins, error: "Name: must not be empty." };
  if (values.name.length > 200) return { values, origins, error: "Name: must be at most 200 characters." };
  if ((values.description ?? "").length > 500) return { values, origins, error: "Description: must be at most 500 characters." };
  try {
    normaliseOrigin(values.url ?? "");
  } catch (e) {
    return { values, origins, error: `URL: ${(e as Error).message}.` };
  }
  for (const [i, line] of origins.entries()) {
    try {
      normaliseOrigin(line);
    } catch (e) {
      return { values, origins, error: `Allowed origins, line ${i + 1}: ${(e as Error).message}.` };
    }
  }
  return { values, origins, error: null };
}

export function funnelPages(ctx: AppContext) {
  const { db } = ctx.store;

  return new Elysia()
    .use(requireUser(ctx))
    .get("/", () => new Response(null, { status: 303, headers: { location: "/funnels" } }))
    .get("/funnels", async ({ user, csrfToken }) => {
      let stats;
      try {
        stats = await ctx.reads.run("dashboard.funnelCards", { now: ctx.now() });
      } catch (e) {
        if (!(e instanceof ReadTimeoutError)) throw e;
        return htmlResponse(errorPage({ status: e.status, title: "This page took too long", message: e.message, user, csrfToken }), e.status);
      }
      const funnels = onlyVisible(db, user, listFunnels(db)).map((f) => ({
        id: f.id,
        name: f.name,
        url: f.url,
        receiving: f.firstEventAt !== null,
        stats: stats.get(f.id) ?? emptyCardStats(7),
      }));
      return htmlResponse(funnelsPage({ user, csrfToken, funnels, canEdit: isOwner(user), registerForm: registerForm({ csrfToken }) }));
    })
    .get("/funnels/new", ({ user, csrfToken, request }) => {
      if (!isOwner(user)) return forbidden(request, user, csrfToken, VIEWER_MESSAGE);
      return htmlResponse(registerPage(user, csrfToken, registerForm({ csrfToken })));
    })
    .post("/funnels", ({ user, csrfToken, body, request }) => {
      const form = parseFunnelForm(body);
      const reply = (content: SafeHtml, status: number) =>
        htmlResponse(isHtmx(request) ? content : registerPage(user, csrfToken, content), status);
      if (form.error) return reply(registerForm({ csrfToken, values: form.values, error: form.error }), 422);
      let made;
      try {
        made = createFunnel(
          db,
          { name: form.values.name!, url: form.values.url!, description: form.values.description, origins: form.origins, capture: form.values.capture },
          ctx.now(),
        );
      } catch (e) {
        if (!(e instanceof FunnelInputError)) throw e;
        return reply(registerForm({ csrfToken, values: form.values, error: e.message }), 422);
      }
      ctx.log(`dashboard: ${user.email} registered funnel ${made.funnel.id}`);
      const panel = installPanel({
        origin: publicOrigin(request, ctx.config),
        funnelId: made.funnel.id,
        funnelName: made.funnel.name,
        publicKey: made.publicKey,
        secretKey: made.secretKey,
        capture: made.funnel.capture,
        receiving: false,
      });
      return reply(panel, 201);
    })
    .get("/funnels/menu", ({ query, user }) => htmlResponse(funnelMenu(onlyVisible(db, user, listFunnels(db)), query.current)))
    .get("/funnels/:id/install-check", ({ params, query }) => {
      const funnel = getFunnel(db, params.id);
      if (!funnel) return htmlResponse(html`Funnel not found.`, 404);
      const receiving = funnel.firstEventAt !== null;
      // 286 tells htmx 2 to stop polling; HX-Refresh makes the empty overview reload into the dashboard.
      const reload: Record<string, string> = receiving && query.then === "reload" ? { "hx-refresh": "true" } : {};
      return htmlResponse(installCheckInner(receiving), receiving ? 286 : 200, reload);
    });
}

function registerPage(user: { email: string; role: "owner" | "viewer" }, csrfToken: string, content: SafeHtml) {
  return page({
    title: "Register a funnel",
    user,
    csrfToken,
    active: "funnels",
    body: html`<div class="page-head"><h1>Register a funnel</h1></div>
      ${card({ body: html`<div id="register-panel">${content}</div>` })}`,
  });
}
