// /funnels/:id/settings and its actions: save details, rotate keys, delete.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { deleteFunnelData } from "../../funnels/delete";
import { refusalLogOf } from "../../ingest/refusals";
import { FunnelInputError, getFunnel, normaliseOrigin, rotateKeys, rotatePublicKey, updateFunnel, type Funnel } from "../../funnels/store";
import { card } from "../../../views/components";
import { html, htmlResponse, type SafeHtml } from "../../../views/html";
import { page } from "../../../views/layout";
import { errorPage } from "../../../views/pages/error";
import { installPanel } from "../../../views/pages/register";
import { deleteForm, detailsForm, settingsPage, type SettingsValues } from "../../../views/pages/settings";
import { publicOrigin } from "../auth/cookies";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField, formLines } from "../form";
import { funnelZone } from "../funnel-zone";

function parseSettings(body: unknown): { values: SettingsValues; origins: string[]; retentionDays: number | null; error: string | null } {
  const values: SettingsValues = {
    name: formField(body, "name").trim(),
    url: formField(body, "url").trim(),
    description: formField(body, "description").trim(),
    origins: formField(body, "origins"),
    retentionDays: formField(body, "retention_days").trim(),
  };
  const origins = formLines(body, "origins");
  const fail = (error: string) => ({ values, origins, retentionDays: null, error });
  if (!values.name) return fail("Name: must not be empty.");
  if (values.name.length > 200) return fail("Name: must be at most 200 characters.");
  if (values.description.length > 500) return fail("Description: must be at most 500 characters.");
  try {
    normaliseOrigin(values.url);
  } catch (e) {
    return fail(`URL: ${(e as Error).message}.`);
  }
  for (const [i, line] of origins.entries()) {
    try {
      normaliseOrigin(line);
    } catch (e) {
      return fail(`Allowed origins, line ${i + 1}: ${(e as Error).message}.`);
    }
  }
  let retentionDays: number | null = null;
  if (values.retentionDays) {
    if (!/^\d+$/.test(values.retentionDays) || Number(values.retentionDays) < 1 || Number(values.retentionDays) > 36500) {
      return fail(`Data retention: "${values.retentionDays}" is not a whole number of days between 1 and 36500 (leave it empty to keep everything).`);
    }
    retentionDays = Number(values.retentionDays);
  }
  return { values, origins, retentionDays, error: null };
}

export function settingsPages(ctx: AppContext) {
  const { db, sqlite } = ctx.store;

  const notFound = (request: Request, user: DashboardUser, csrfToken: string) =>
    isHtmx(request)
      ? htmlResponse(html`This funnel no longer exists.`, 404)
      : htmlResponse(errorPage({ status: 404, title: "Funnel not found", message: "There is no funnel with this id. It may have been deleted.", user, csrfToken }), 404);

  /** Runs `fn` with the funnel named in the URL, or answers 404. */
  const withFunnel =
    <T extends { params: { id: string }; request: Request; user: DashboardUser; csrfToken: string }>(fn: (c: T, funnel: Funnel) => Response) =>
    (c: T) => {
      const funnel = getFunnel(db, c.params.id);
      return funnel ? fn(c, funnel) : notFound(c.request, c.user, c.csrfToken);
    };

  return new Elysia()
    .use(requireUser(ctx))
    .get(
      "/funnels/:id/settings",
      withFunnel(({ user, csrfToken, request }, funnel) =>
        htmlResponse(settingsPage({ user, csrfToken, funnel, canEdit: isOwner(user), origin: publicOrigin(request, ctx.config), refusals: refusalLogOf(sqlite).recent(funnel.id), timeZone: funnelZone(ctx, funnel.id, request.headers, isOwner(user)) })),
      ),
    )
    .post(
      "/funnels/:id/settings",
      withFunnel(({ user, csrfToken, body, request }: { params: { id: string }; request: Request; user: DashboardUser; csrfToken: string; body: unknown }, funnel) => {
        const form = parseSettings(body);
        const reply = (status: number, error: string | null, saved = false) => {
          const fragment = detailsForm({ funnelId: funnel.id, csrfToken, values: form.values, canEdit: true, error, saved });
          if (isHtmx(request)) return htmlResponse(fragment, status);
          if (status === 200) return new Response(null, { status: 303, headers: { location: `/funnels/${encodeURIComponent(funnel.id)}/settings` } });
          return htmlResponse(settingsPage({ user, csrfToken, funnel, canEdit: true, origin: publicOrigin(request, ctx.config), refusals: refusalLogOf(sqlite).recent(funnel.id), timeZone: funnelZone(ctx, funnel.id, request.headers, isOwner(user)) }), status);
        };
        if (form.error) return reply(422, form.error);
        try {
          updateFunnel(db, funnel.id, {
            name: form.values.name,
            url: form.values.url,
            description: form.values.description,
            origins: form.origins.length ? form.origins : [normaliseOrigin(form.values.url)],
            retentionDays: form.retentionDays,
          });
        } catch (e) {
          if (e instanceof FunnelInputError) return reply(422, e.message);
          throw e;
        }
        ctx.log(`dashboard: ${user.email} changed the settings of funnel ${funnel.id}`);
        const saved = getFunnel(db, funnel.id)!;
        form.values.origins = saved.origins.join("\n");
        form.values.url = saved.url;
        return reply(200, null, true);
      }),
    )
    .post(
      "/funnels/:id/rotate-keys",
      withFunnel(({ user, csrfToken, request }, funnel) => {
        const keys = rotateKeys(db, funnel.id)!;
        ctx.log(`dashboard: ${user.email} rotated the keys of funnel ${funnel.id}`);
        const panel = installPanel({
          origin: publicOrigin(request, ctx.config),
          funnelId: funnel.id,
          funnelName: funnel.name,
          publicKey: keys.publicKey,
          secretKey: keys.secretKey,
          capture: funnel.capture,
          keepParams: funnel.keptParams,
          receiving: funnel.firstEventAt !== null,
          rotated: true,
        });
        if (isHtmx(request)) return htmlResponse(panel);
        return htmlResponse(settingsPageWithPanel(user, csrfToken, funnel, panel));
      }),
    )
    .post(
      "/funnels/:id/rotate-public-key",
      withFunnel(({ user, body }: { params: { id: string }; request: Request; user: DashboardUser; csrfToken: string; body: unknown }, funnel) => {
        rotatePublicKey(db, funnel.id);
        ctx.log(`dashboard: ${user.email} made a new public key for funnel ${funnel.id}`);
        const base = `/funnels/${encodeURIComponent(funnel.id)}`;
        const location = formField(body, "back") === "overview" ? base : `${base}/settings#install`;
        return new Response(null, { status: 303, headers: { location } });
      }),
    )
    .post(
      "/funnels/:id/delete",
      withFunnel(({ user, csrfToken, body, request }: { params: { id: string }; request: Request; user: DashboardUser; csrfToken: string; body: unknown }, funnel) => {
        if (formField(body, "confirm_name").trim() !== funnel.name) {
          const error = "Type the funnel's name exactly as shown to confirm.";
          if (isHtmx(request)) return htmlResponse(deleteForm(funnel, csrfToken, error), 422);
          return htmlResponse(errorPage({ status: 422, title: "Not deleted", message: error, user, csrfToken }), 422);
        }
        deleteFunnelData(ctx.store, funnel.id);
        ctx.log(`dashboard: ${user.email} deleted funnel ${funnel.id} and its data`);
        if (isHtmx(request)) return new Response(null, { status: 204, headers: { "hx-redirect": "/funnels" } });
        return new Response(null, { status: 303, headers: { location: "/funnels" } });
      }),
    );
}

/** Without JavaScript, rotating keys shows the new keys on a page of their own. */
function settingsPageWithPanel(user: DashboardUser, csrfToken: string, funnel: Funnel, panel: SafeHtml): SafeHtml {
  return page({
    title: "New keys",
    user,
    csrfToken,
    funnel: { id: funnel.id, name: funnel.name },
    active: "settings",
    body: html`<div class="page-head"><h1>New keys</h1></div>${card({ body: panel })}`,
  });
}
