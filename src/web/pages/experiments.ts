// Dashboard pages of split tests: the Experiments tab (list and, for owners, the create
// form), one experiment's results, and stopping it with a winner or without.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { describeMetric, parseExperimentInput, parseMetric } from "../../experiments/definition";
import { createExperiment, getExperiment, listExperiments, stopExperiment } from "../../experiments/store";
import { getSteps } from "../../funnels/steps-definition";
import { getFunnel, type Funnel } from "../../funnels/store";
import { AppError } from "../../http/errors";
import { EMPTY_FORM, experimentPath, experimentsListBody, type CreateFormValues } from "../../../views/experiments/list";
import { resultsBody } from "../../../views/experiments/results";
import { htmlResponse, type SafeHtml } from "../../../views/html";
import { page } from "../../../views/layout";
import { errorPage } from "../../../views/pages/error";
import { isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField, formLines } from "../form";
import { pageErrors } from "../../http/page-errors";

interface Req {
  params: Record<string, string>;
  request: Request;
  user: DashboardUser;
  csrfToken: string;
  body?: unknown;
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

/** The create form's fields → the API's input shape. */
function inputFromForm(v: CreateFormValues): Record<string, unknown> {
  const lines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return { key: v.key.trim(), variants: v.variants.replace(/\s+/g, ""), metric: v.metric.trim(), secondaryMetrics: lines(v.secondary), splitUrls: lines(v.splitUrls), minimumDetectableEffect: v.mde.trim() };
}

export function experimentPages(ctx: AppContext) {
  const { db } = ctx.store;

  const notFound = (c: Req, message: string) => htmlResponse(errorPage({ status: 404, title: "Not found", message, user: c.user, csrfToken: c.csrfToken }), 404);
  const shell = (c: Req, funnel: Funnel, title: string, body: SafeHtml, status = 200) =>
    htmlResponse(page({ title, user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, active: "experiments", body }), status);
  const withFunnel = (fn: (c: Req, funnel: Funnel) => Response | Promise<Response>) => async (c: Req) => {
    const funnel = getFunnel(db, c.params.id);
    if (!funnel) return notFound(c, "There is no funnel with this id. It may have been deleted.");
    // A report past its budget (ReadTimeout) is drawn by pageErrors like any other error.
    return fn(c, funnel);
  };
  const listPage = (c: Req, funnel: Funnel, form = EMPTY_FORM, error: string | null = null, status = 200) =>
    shell(c, funnel, "Experiments", experimentsListBody({ funnelId: funnel.id, experiments: listExperiments(db, funnel.id), canEdit: isOwner(c.user), csrfToken: c.csrfToken, form, error }), status);

  return new Elysia({ name: "experiment-pages" })
    .use(pageErrors(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id/experiments", withFunnel((c, funnel) => listPage(c, funnel)))
    .post(
      "/funnels/:id/experiments",
      withFunnel((c, funnel) => {
        const form: CreateFormValues = {
          key: formField(c.body, "key"), variants: formField(c.body, "variants"), metric: formField(c.body, "metric"),
          secondary: formLines(c.body, "secondary").join("\n"), splitUrls: formLines(c.body, "splitUrls").join("\n"), mde: formField(c.body, "mde"),
        };
        try {
          const e = createExperiment(db, funnel.id, parseExperimentInput(inputFromForm(form)), ctx.now());
          return seeOther(experimentPath(funnel.id, e.key));
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          return listPage(c, funnel, form, e.message, 422);
        }
      }),
    )
    .get(
      "/funnels/:id/experiments/:key",
      withFunnel(async (c, funnel) => {
        const e = getExperiment(db, funnel.id, c.params.key);
        if (!e) return notFound(c, "There is no such experiment in this funnel.");
        const metric = parseMetric(e.metric);
        const stepName = metric.kind === "step" ? getSteps(db, funnel.id)?.steps[metric.step - 1]?.name : undefined;
        const results = await ctx.reads.run("experiments.results", { funnelId: funnel.id, key: e.key, now: ctx.now() });
        return shell(c, funnel, `Experiment ${e.key}`, resultsBody({ funnelId: funnel.id, results, metricWords: describeMetric(metric, stepName), revenueMetric: metric.kind === "revenue", canEdit: isOwner(c.user), csrfToken: c.csrfToken }));
      }),
    )
    .post(
      "/funnels/:id/experiments/:key/stop",
      withFunnel((c, funnel) => {
        try {
          stopExperiment(db, funnel.id, c.params.key, formField(c.body, "winner") || null, ctx.now());
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          if (e.kind === "not_found") return notFound(c, e.message);
          return htmlResponse(errorPage({ status: e.status, title: "Could not stop the experiment", message: e.message, user: c.user, csrfToken: c.csrfToken }), e.status);
        }
        return seeOther(experimentPath(funnel.id, c.params.key));
      }),
    );
}
