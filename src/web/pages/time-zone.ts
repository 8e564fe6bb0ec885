// GET/POST /funnels/:id/settings/time-zone: the funnel's time zone, as the partial the
// settings page loads into <section id="time-zone">, or as a page of its own without htmx.
import { Elysia } from "elysia";
import { validTimeZone } from "../../analytics/timezone";
import type { AppContext } from "../../context";
import { getFunnel, type Funnel } from "../../funnels/store";
import { getTimeZone, setTimeZone } from "../../funnels/time-zone";
import { html, htmlResponse, type SafeHtml } from "../../../views/html";
import { formatDateTime } from "../../../views/analytics/format";
import { page } from "../../../views/layout";
import { timeZoneCard, type TimeZoneView } from "../../../views/pages/time-zone";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField } from "../form";
import { funnelZone, knownTimeZones } from "../funnel-zone";

interface Req {
  params: { id: string };
  request: Request;
  user: DashboardUser;
  csrfToken: string;
}

export function timeZonePages(ctx: AppContext) {
  const { db } = ctx.store;

  const view = (c: Req, funnel: Funnel, message?: TimeZoneView["message"]): TimeZoneView => {
    const zone = funnelZone(ctx, funnel.id, c.request.headers, isOwner(c.user));
    return {
      funnelId: funnel.id, csrfToken: c.csrfToken, zone, chosen: getTimeZone(db, funnel.id) !== null, zones: knownTimeZones(),
      canEdit: isOwner(c.user), example: formatDateTime(ctx.now(), zone), message,
    };
  };

  const respond = (c: Req, funnel: Funnel, fragment: SafeHtml, status = 200) => {
    if (isHtmx(c.request)) return htmlResponse(fragment, status);
    const body = html`<p><a href="/funnels/${encodeURIComponent(funnel.id)}/settings">← Settings</a></p><section class="card" id="time-zone">${fragment}</section>`;
    return htmlResponse(page({ title: "Time zone", user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, timeZone: view(c, funnel).zone, active: "settings", body }), status);
  };

  const withFunnel = <T extends Req>(fn: (c: T, funnel: Funnel) => Response) => (c: T) => {
    const funnel = getFunnel(db, c.params.id);
    return funnel ? fn(c, funnel) : htmlResponse(html`This funnel no longer exists.`, 404);
  };

  return new Elysia({ name: "time-zone-pages" })
    .use(requireUser(ctx))
    .get("/funnels/:id/settings/time-zone", withFunnel((c: Req, funnel) => respond(c, funnel, timeZoneCard(view(c, funnel)))))
    .post(
      "/funnels/:id/settings/time-zone",
      withFunnel((c: Req & { body: unknown }, funnel) => {
        const raw = formField(c.body, "time_zone").trim();
        const tz = validTimeZone(raw);
        if (!tz) return respond(c, funnel, timeZoneCard(view(c, funnel, { text: `"${raw}" is not a time zone: pick one from the list.`, tone: "bad" })), 422);
        setTimeZone(db, funnel.id, tz);
        ctx.log(`dashboard: ${c.user.email} set the time zone of funnel ${funnel.id} to ${tz}`);
        return respond(c, funnel, timeZoneCard(view(c, funnel, { text: `Saved: times of this funnel are now in ${tz}.`, tone: "good" })));
      }),
    );
}
