// GET /funnels/:id/settings/data-size: the Data size card the settings page loads into
// <section id="data-size">, or a page of its own without htmx. Read on a reader thread.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { getFunnel } from "../../funnels/store";
import { html, htmlResponse } from "../../../views/html";
import { page } from "../../../views/layout";
import { dataSizeCard } from "../../../views/pages/data-size";
import { isHtmx, requireUser, type DashboardUser } from "../auth/guard";

export function dataSizePages(ctx: AppContext) {
  return new Elysia({ name: "data-size-pages" })
    .use(requireUser(ctx))
    // A read past its budget is drawn by the pages' one error handler (src/http/page-errors.ts).
    .get("/funnels/:id/settings/data-size", async (c: { params: { id: string }; request: Request; user: DashboardUser; csrfToken: string }) => {
      const funnel = getFunnel(ctx.store.db, c.params.id);
      if (!funnel) return htmlResponse(html`This funnel no longer exists.`, 404);
      const size = await ctx.reads.run("settings.dataSize", { funnelId: funnel.id, now: ctx.now() });
      if (!size) return htmlResponse(html`This funnel no longer exists.`, 404);
      const fragment = dataSizeCard(size);
      if (isHtmx(c.request)) return htmlResponse(fragment);
      const body = html`<p><a href="/funnels/${encodeURIComponent(funnel.id)}/settings">← Settings</a></p><section class="card" id="data-size">${fragment}</section>`;
      return htmlResponse(page({ title: "Data size", user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, active: "settings", body }));
    });
}
