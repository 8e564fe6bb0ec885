// Settings → Payments: the partial the settings page loads, and its connect/disconnect forms.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { getFunnel, type Funnel } from "../../funnels/store";
import { AppError } from "../../http/errors";
import { recentDeliveries } from "../../payments/deliveries";
import { PAYMENT_PROVIDERS } from "../../payments/payment";
import { ADAPTERS } from "../../payments/providers/index";
import { connectProvider, describeConnection, disconnectProvider, type ConnectResult } from "../../payments/setup";
import { listConnections } from "../../payments/connections";
import { html, htmlResponse } from "../../../views/html";
import { page } from "../../../views/layout";
import { paymentsPanel } from "../../../views/payments/settings";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField } from "../form";
import { paymentsBaseUrl } from "../payments-api";
import { pageErrors } from "../../http/page-errors";

interface Req {
  params: Record<string, string>;
  request: Request;
  user: DashboardUser;
  csrfToken: string;
  body?: unknown;
}

export function paymentPages(ctx: AppContext) {
  const { db, sqlite } = ctx.store;
  const providers = PAYMENT_PROVIDERS.map((p) => ({ provider: p, label: ADAPTERS[p].label, secret: ADAPTERS[p].secret }));

  function panel(c: Req, funnel: Funnel, extra: { created?: ConnectResult; error?: string } = {}, status = 200): Response {
    const base = paymentsBaseUrl(ctx, c.request);
    const connections = listConnections(db, funnel.id).map((conn) => ({ ...describeConnection(sqlite, conn, base), deliveries: recentDeliveries(sqlite, conn.id, 20) }));
    const body = paymentsPanel({ funnelId: funnel.id, csrfToken: c.csrfToken, canEdit: isOwner(c.user), connections, providers, ...extra });
    if (isHtmx(c.request) || c.request.method === "GET") return htmlResponse(body, status);
    // Without JavaScript the answer is a page of its own: one-time values must not be lost to a redirect.
    return htmlResponse(page({ title: "Payments", user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, active: "settings", body: html`<div class="page-head"><h1>Payments</h1></div><section class="card"><div class="card-body">${body}</div></section>` }), status);
  }

  const withFunnel = (fn: (c: Req, funnel: Funnel) => Response) => (c: Req) => {
    const funnel = getFunnel(db, c.params.id);
    return funnel ? fn(c, funnel) : htmlResponse(html`This funnel no longer exists.`, 404);
  };

  return new Elysia({ name: "payment-pages" })
    .use(pageErrors(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id/settings/payments", withFunnel((c, funnel) => panel(c, funnel)))
    .post("/funnels/:id/settings/payments", withFunnel((c, funnel) => {
      try {
        const created = connectProvider(db, funnel.id, {
          provider: formField(c.body, "provider"),
          secret: formField(c.body, "secret"),
          testMode: formField(c.body, "test_mode") === "1",
        }, paymentsBaseUrl(ctx, c.request), ctx.now());
        ctx.log(`dashboard: ${c.user.email} connected ${created.provider} to funnel ${funnel.id}`);
        return panel(c, funnel, { created });
      } catch (e) {
        if (e instanceof AppError) return panel(c, funnel, { error: e.message }, 422);
        throw e;
      }
    }))
    .post("/funnels/:id/settings/payments/:provider/remove", withFunnel((c, funnel) => {
      try {
        disconnectProvider(db, funnel.id, c.params.provider);
        ctx.log(`dashboard: ${c.user.email} disconnected ${c.params.provider} from funnel ${funnel.id}`);
        return panel(c, funnel);
      } catch (e) {
        if (e instanceof AppError) return panel(c, funnel, { error: e.message }, e.kind === "not_found" ? 404 : 422);
        throw e;
      }
    }));
}

