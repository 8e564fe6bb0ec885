// Dashboard pages of automations: list, create/edit form, one rule with its delivery
// log, pause/resume/delete, "send a test delivery", resend, and the failed-deliveries
// badge the funnel page loads (GET /funnels/:id/automations/failed-badge).
import { Elysia } from "elysia";
import automationsCss from "../../../views/automations/automations.css" with { type: "text" };
import { automationRuntime } from "../../automations/runtime";
import { toRuleView, type Rule } from "../../automations/rules";
import {
  createAutomation, deleteAutomation, deliveryLog, editAutomation, getAutomation, listAutomations, resendDelivery, sendTestDelivery,
} from "../../automations/service";
import type { AppContext } from "../../context";
import { getSteps } from "../../funnels/steps-definition";
import { getFunnel, type Funnel } from "../../funnels/store";
import { getTimeZone } from "../../funnels/time-zone";
import { AppError } from "../../http/errors";
import { html, htmlResponse } from "../../../views/html";
import { errorPage } from "../../../views/pages/error";
import { deliveryLog as deliveryLogView, rulePage } from "../../../views/automations/detail";
import { ruleFormPage, triggerFields, type StepOption } from "../../../views/automations/form";
import { automationsBase, automationsListPage, failedBadge, rulePath } from "../../../views/automations/list";
import { forbidden, isHtmx, isOwner, requireUser, VIEWER_MESSAGE, type DashboardUser } from "../auth/guard";
import { emptyFormValues, formValuesFromBody, formValuesToJson, friendlyError, ruleToFormValues, type RuleFormValues } from "../automations-form";
import { pageErrors } from "../../http/page-errors";

interface Req {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  request: Request;
  user: DashboardUser;
  csrfToken: string;
  body?: unknown;
}

const CSS_HEADERS = { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600, must-revalidate", "x-content-type-options": "nosniff" };
const LOG_LIMIT = 50;

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

export function automationPages(ctx: AppContext) {
  const rt = automationRuntime(ctx);
  const { db } = ctx.store;

  const stepsOf = (funnelId: string): StepOption[] => getSteps(db, funnelId)?.steps.map((s, i) => ({ number: i + 1, name: s.name })) ?? [];
  const stepNamer = (funnelId: string) => {
    const steps = stepsOf(funnelId);
    return (n: number) => steps[n - 1]?.name;
  };

  const notFound = (c: Req, what: string) =>
    isHtmx(c.request)
      ? htmlResponse(html`${what}`, 404)
      : htmlResponse(errorPage({ status: 404, title: "Not found", message: what, user: c.user, csrfToken: c.csrfToken }), 404);

  /** Runs `fn` with the funnel (and the rule, when the URL names one), or answers 404. */
  const withFunnel = (fn: (c: Req, funnel: Funnel) => Response | Promise<Response>) => async (c: Req) => {
    const funnel = getFunnel(db, c.params.id);
    if (!funnel) return notFound(c, "There is no funnel with this id. It may have been deleted.");
    try {
      return await fn(c, funnel);
    } catch (e) {
      if (e instanceof AppError && e.kind === "not_found") return notFound(c, "There is no such automation in this funnel. It may have been deleted.");
      if (e instanceof AppError && e.kind === "conflict") return htmlResponse(html`${e.message}`, 409);
      throw e;
    }
  };
  const withRule = (fn: (c: Req, funnel: Funnel, rule: Rule) => Response | Promise<Response>) =>
    withFunnel((c, funnel) => fn(c, funnel, getAutomation(rt, funnel.id, c.params.ruleId)));
  const ownerOnly = (fn: (c: Req, funnel: Funnel) => Response | Promise<Response>) =>
    withFunnel((c, funnel) => (isOwner(c.user) ? fn(c, funnel) : forbidden(c.request, c.user, c.csrfToken, VIEWER_MESSAGE)));

  const funnelRef = (f: Funnel) => ({ id: f.id, name: f.name, timeZone: getTimeZone(db, f.id) });

  const formPage = (c: Req, funnel: Funnel, values: RuleFormValues, error: string | null, status: number, ruleId?: string) =>
    htmlResponse(ruleFormPage({ user: c.user, csrfToken: c.csrfToken, funnel: funnelRef(funnel), values, steps: stepsOf(funnel.id), error, ruleId }), status);

  const logPartial = (c: Req, funnel: Funnel, ruleId: string) =>
    htmlResponse(
      deliveryLogView({ funnelId: funnel.id, ruleId, deliveries: deliveryLog(rt, funnel.id, ruleId, LOG_LIMIT), csrfToken: c.csrfToken, canEdit: isOwner(c.user) }),
    );

  /** Validates the form through the API's schema and service; a 422 form on failure. */
  async function saveFromForm(c: Req, funnel: Funnel, ruleId?: string): Promise<Response> {
    const values = formValuesFromBody(c.body);
    const { json, error } = formValuesToJson(values);
    if (error) return formPage(c, funnel, values, error, 422, ruleId);
    try {
      if (ruleId) {
        await editAutomation(rt, funnel.id, ruleId, json);
        ctx.log(`dashboard: ${c.user.email} edited automation ${ruleId} of funnel ${funnel.id}`);
        return seeOther(rulePath(funnel.id, ruleId));
      }
      const rule = await createAutomation(rt, funnel.id, json);
      ctx.log(`dashboard: ${c.user.email} created automation ${rule.id} in funnel ${funnel.id}`);
      // The secret is shown on this response only, so it is rendered here rather than after a redirect.
      return htmlResponse(
        rulePage({ user: c.user, csrfToken: c.csrfToken, funnel: funnelRef(funnel), rule: toRuleView(rule), deliveries: [], stepName: stepNamer(funnel.id), canEdit: true, secret: rule.secret }),
        201,
      );
    } catch (e) {
      if (e instanceof AppError && e.kind === "invalid") return formPage(c, funnel, values, friendlyError(e.message), 422, ruleId);
      throw e;
    }
  }

  const setPaused = (paused: boolean) =>
    withRule(async (c, funnel, rule) => {
      await editAutomation(rt, funnel.id, rule.id, { paused });
      ctx.log(`dashboard: ${c.user.email} ${paused ? "paused" : "resumed"} automation ${rule.id}`);
      return seeOther(rulePath(funnel.id, rule.id));
    });

  return new Elysia({ name: "automation-pages" })
    .use(pageErrors(ctx))
    .get("/assets/automations.css", () => new Response(automationsCss, { headers: CSS_HEADERS }))
    .use(requireUser(ctx))
    .get(
      "/funnels/:id/automations",
      withFunnel((c, funnel) => {
        const stats = rt.deliveries.statsForFunnel(funnel.id);
        const items = listAutomations(rt, funnel.id).map((rule) => {
          const s = stats.get(rule.id);
          return { rule: toRuleView(rule), deliveries: s?.total ?? 0, failed: s?.failed ?? 0, lastAt: s?.lastAt ?? null };
        });
        return htmlResponse(
          automationsListPage({ user: c.user, csrfToken: c.csrfToken, funnel: funnelRef(funnel), items, stepName: stepNamer(funnel.id), canEdit: isOwner(c.user) }),
        );
      }),
    )
    .get("/funnels/:id/automations/failed-badge", withFunnel((_c, funnel) => htmlResponse(failedBadge(funnel.id, rt.deliveries.failedCount(funnel.id)))))
    .get(
      "/funnels/:id/automations/trigger-fields",
      withFunnel((c, funnel) => {
        const values = formValuesFromBody(c.query);
        return htmlResponse(triggerFields({ ...values, after: values.after || "1h" }, stepsOf(funnel.id)));
      }),
    )
    .get("/funnels/:id/automations/new", ownerOnly((c, funnel) => formPage(c, funnel, emptyFormValues(), null, 200)))
    .post("/funnels/:id/automations", ownerOnly((c, funnel) => saveFromForm(c, funnel)))
    .get(
      "/funnels/:id/automations/:ruleId",
      withRule((c, funnel, rule) =>
        htmlResponse(
          rulePage({
            user: c.user, csrfToken: c.csrfToken, funnel: funnelRef(funnel), rule: toRuleView(rule),
            deliveries: deliveryLog(rt, funnel.id, rule.id, LOG_LIMIT), stepName: stepNamer(funnel.id), canEdit: isOwner(c.user),
          }),
        ),
      ),
    )
    .get(
      "/funnels/:id/automations/:ruleId/edit",
      withRule((c, funnel, rule) =>
        isOwner(c.user) ? formPage(c, funnel, ruleToFormValues(rule), null, 200, rule.id) : forbidden(c.request, c.user, c.csrfToken, VIEWER_MESSAGE),
      ),
    )
    .post("/funnels/:id/automations/:ruleId", withRule((c, funnel, rule) => saveFromForm(c, funnel, rule.id)))
    .post("/funnels/:id/automations/:ruleId/pause", setPaused(true))
    .post("/funnels/:id/automations/:ruleId/resume", setPaused(false))
    .post(
      "/funnels/:id/automations/:ruleId/delete",
      withRule((c, funnel, rule) => {
        deleteAutomation(rt, funnel.id, rule.id);
        ctx.log(`dashboard: ${c.user.email} deleted automation ${rule.id} of funnel ${funnel.id}`);
        if (isHtmx(c.request)) return new Response(null, { status: 204, headers: { "hx-redirect": automationsBase(funnel.id) } });
        return seeOther(automationsBase(funnel.id));
      }),
    )
    .post(
      "/funnels/:id/automations/:ruleId/test",
      withRule((c, funnel, rule) => {
        sendTestDelivery(rt, funnel.id, rule.id);
        return isHtmx(c.request) ? logPartial(c, funnel, rule.id) : seeOther(rulePath(funnel.id, rule.id));
      }),
    )
    .get("/funnels/:id/automations/:ruleId/deliveries", withRule((c, funnel, rule) => logPartial(c, funnel, rule.id)))
    .post(
      "/funnels/:id/automations/:ruleId/deliveries/:deliveryId/resend",
      withRule((c, funnel, rule) => {
        resendDelivery(rt, funnel.id, rule.id, c.params.deliveryId);
        return isHtmx(c.request) ? logPartial(c, funnel, rule.id) : seeOther(rulePath(funnel.id, rule.id));
      }),
    );
}

