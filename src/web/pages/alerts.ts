// /funnels/:id/alerts: list the funnel's email alerts with their last firing, add one
// from the form of its kind, remove one. Owners change; viewers granted the funnel read.
import { Elysia } from "elysia";
import { recentFirings } from "../../alerts/firings";
import { addAlert, AlertInputError, describeWindow, listAlerts, removeAlert } from "../../alerts/rules";
import type { AppContext } from "../../context";
import { getFunnel, type Funnel } from "../../funnels/store";
import { alertsBase, alertsPage, KIND_FORMS, type AlertFormValues, type AlertsView } from "../../../views/alerts/page";
import { pageErrors } from "../../http/page-errors";
import { htmlResponse } from "../../../views/html";
import { errorPage } from "../../../views/pages/error";
import { isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField, formLines } from "../form";

interface Req {
  params: Record<string, string>;
  user: DashboardUser;
  csrfToken: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
}

class FormError extends Error {}

/** The kind's fields from the form → the rule's params (empty: the kind's default). */
function paramsFrom(kind: string, body: unknown): Record<string, unknown> {
  const form = KIND_FORMS.find((f) => f.kind === kind);
  if (!form) throw new FormError(`kind: expected one of ${KIND_FORMS.map((f) => f.kind).join(", ")}`);
  const params: Record<string, unknown> = {};
  for (const field of form.fields) {
    const raw = formField(body, field.name).trim();
    if (!raw) continue;
    if (field.type === "select") params[field.name] = raw;
    else {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new FormError(`${field.label}: "${raw}" is not a number`);
      params[field.name] = n;
    }
  }
  return params;
}

export function alertPages(ctx: AppContext) {
  const { db, sqlite } = ctx.store;

  const render = (c: Req, funnel: Funnel, extra: Partial<AlertsView> = {}, status = 200) => {
    const items = listAlerts(sqlite, funnel.id).map((rule) => ({ rule, window: rule.kind === "sale" && (rule.params as { mode: string }).mode === "daily" ? "once a day" : describeWindow(rule.windowSeconds), last: recentFirings(sqlite, rule.id, 1)[0] ?? null }));
    const mail = ctx.config.mail;
    return htmlResponse(
      alertsPage({
        user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, items, canEdit: isOwner(c.user),
        smtp: mail ? `${mail.shown} as ${mail.from}` : null, defaultTo: c.user.email, ...extra,
      }),
      status,
    );
  };
  const withFunnel = (fn: (c: Req, funnel: Funnel) => Response) => (c: Req) => {
    const funnel = getFunnel(db, c.params.id);
    if (!funnel) return htmlResponse(errorPage({ status: 404, title: "Funnel not found", message: "There is no funnel with this id. It may have been deleted.", user: c.user, csrfToken: c.csrfToken }), 404);
    return fn(c, funnel);
  };

  return new Elysia({ name: "alert-pages" })
    .use(pageErrors(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id/alerts", withFunnel((c, funnel) => render(c, funnel, c.query?.added ? { saved: `Alert ${c.query.added} added.` } : {})))
    .post(
      "/funnels/:id/alerts",
      withFunnel((c, funnel) => {
        const kind = formField(c.body, "kind");
        const values: AlertFormValues = { to: formField(c.body, "to"), window: formField(c.body, "window") };
        for (const f of KIND_FORMS.find((k) => k.kind === kind)?.fields ?? []) values[f.name] = formField(c.body, f.name);
        try {
          const window = formField(c.body, "window").trim();
          const rule = addAlert(sqlite, funnel.id, { kind, params: paramsFrom(kind, c.body), recipients: formLines(c.body, "to").flatMap((l) => l.split(",")).map((s) => s.trim()).filter(Boolean), window: window || undefined }, ctx.now());
          ctx.log(`dashboard: ${c.user.email} added alert ${rule.id} (${rule.kind}) to funnel ${funnel.id}`);
          return new Response(null, { status: 303, headers: { location: `${alertsBase(funnel.id)}?added=${encodeURIComponent(rule.id)}` } });
        } catch (e) {
          if (!(e instanceof AlertInputError || e instanceof FormError)) throw e;
          return render(c, funnel, { failed: { kind, values, error: e.message } }, 422);
        }
      }),
    )
    .post(
      "/funnels/:id/alerts/:alertId/remove",
      withFunnel((c, funnel) => {
        if (!removeAlert(sqlite, funnel.id, c.params.alertId)) return render(c, funnel, {}, 404);
        ctx.log(`dashboard: ${c.user.email} removed alert ${c.params.alertId} from funnel ${funnel.id}`);
        return new Response(null, { status: 303, headers: { location: alertsBase(funnel.id) } });
      }),
    );
}
