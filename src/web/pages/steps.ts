// Dashboard pages of the funnel steps: the report (/funnels/:id/steps), its
// drill-down partial, and the steps editor the settings page loads.
import { Elysia } from "elysia";
import stepsCss from "../../../views/steps/steps.css" with { type: "text" };
import type { AppContext } from "../../context";
import { getSteps, saveSteps, stepsToJson } from "../../funnels/steps-definition";
import { getFunnel, type Funnel } from "../../funnels/store";
import { AppError } from "../../http/errors";
import { notice } from "../../../views/components";
import { html, htmlResponse, type SafeHtml } from "../../../views/html";
import { page } from "../../../views/layout";
import { errorPage } from "../../../views/pages/error";
import { stepsEditor, type EditorView } from "../../../views/steps/editor";
import { noStepsBody, reportUrl, stepsReportBody } from "../../../views/steps/report";
import { stepVisitorsPartial } from "../../../views/steps/visitors";
import { isHtmx, isOwner, requireUser, type DashboardUser } from "../auth/guard";
import { formField } from "../form";
import { applyOp, definitionFromState, MAX_ROWS, stateFromDefinition, stateFromForm, type EditorState } from "../steps-editor-form";
import { funnelZone } from "../funnel-zone";
import { parseDrillParams, parsePageParams } from "../steps-params";
import { pageErrors } from "../../http/page-errors";

type Query = Record<string, string | undefined>;
interface Req {
  params: { id: string };
  query: Query;
  request: Request;
  user: DashboardUser;
  csrfToken: string;
}

const CSS_HEADERS = { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600, must-revalidate", "x-content-type-options": "nosniff" };

export function stepsPages(ctx: AppContext) {
  const { db } = ctx.store;
  const { reads } = ctx;

  const notFound = (c: Req) =>
    isHtmx(c.request)
      ? htmlResponse(html`This funnel no longer exists.`, 404)
      : htmlResponse(errorPage({ status: 404, title: "Funnel not found", message: "There is no funnel with this id. It may have been deleted.", user: c.user, csrfToken: c.csrfToken }), 404);

  const withFunnel = <T extends Req>(fn: (c: T, funnel: Funnel) => Response | Promise<Response>) => async (c: T) => {
    const funnel = getFunnel(db, c.params.id);
    if (!funnel) return notFound(c);
    // A report past its budget (ReadTimeout) is drawn by pageErrors like any other error.
    return fn(c, funnel);
  };

  const zoneOf = (c: Req, funnel: Funnel) => funnelZone(ctx, funnel.id, c.request.headers, isOwner(c.user));

  const shell = (c: Req, funnel: Funnel, title: string, body: SafeHtml, status = 200) =>
    htmlResponse(page({ title, user: c.user, csrfToken: c.csrfToken, funnel: { id: funnel.id, name: funnel.name }, timeZone: zoneOf(c, funnel), active: "steps", body }), status);

  function editorView(funnel: Funnel, c: Req, state: EditorState, extra: Partial<EditorView> = {}): EditorView {
    const saved = getSteps(db, funnel.id);
    return {
      funnelId: funnel.id,
      csrfToken: c.csrfToken,
      state,
      canEdit: isOwner(c.user),
      savedJson: saved ? JSON.stringify(stepsToJson(saved), null, 2) : null,
      maxRows: MAX_ROWS,
      ...extra,
    };
  }

  function editorResponse(c: Req, funnel: Funnel, view: EditorView, status = 200): Response {
    const fragment = stepsEditor(view);
    if (isHtmx(c.request)) return htmlResponse(fragment, status);
    return shell(c, funnel, "Edit steps", html`<section class="card" id="steps-settings">${fragment}</section>`, status);
  }

  return new Elysia({ name: "steps-pages" })
    .use(pageErrors(ctx))
    .get("/assets/steps.css", () => new Response(stepsCss, { headers: CSS_HEADERS }))
    .use(requireUser(ctx))
    .get(
      "/funnels/:id/steps",
      withFunnel(async (c: Req, funnel) => {
        const def = getSteps(db, funnel.id);
        if (!def) return shell(c, funnel, "Steps", noStepsBody(funnel.id));
        let problem: string | null = null;
        let params;
        const zone = zoneOf(c, funnel);
        try {
          params = parsePageParams(c.query, ctx.now(), zone);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          problem = e.message;
          params = parsePageParams({ tz: c.query.tz }, ctx.now(), zone);
        }
        const { period, breakdown, filters } = params;
        const report = await reads.run("steps.report", { funnelId: funnel.id, def, from: period.from, to: period.to, breakdown, filters, compare: true, now: ctx.now() });
        const body = stepsReportBody({ funnelId: funnel.id, steps: def.steps, report, period, breakdown, filters });
        return shell(c, funnel, "Steps", problem ? html`${notice(`${problem}. Showing the last 30 days instead.`, "warn")}${body}` : body);
      }),
    )
    .get(
      "/funnels/:id/steps/visitors",
      withFunnel(async (c: Req, funnel) => {
        const def = getSteps(db, funnel.id);
        if (!def) return htmlResponse(html`This funnel has no steps.`, 404);
        let fragment: SafeHtml;
        let status = 200;
        let back = `/funnels/${encodeURIComponent(funnel.id)}/steps`;
        try {
          const { period, filters } = parsePageParams(c.query, ctx.now(), zoneOf(c, funnel));
          const d = parseDrillParams(c.query, def.steps.length);
          const result = await reads.run("steps.visitors", {
            funnelId: funnel.id, def, from: period.from, to: period.to, filters, now: ctx.now(), step: d.step, status: d.status, limit: Math.min(d.limit, 200),
          });
          const view = { funnelId: funnel.id, period, filters };
          const links: Record<string, string> = {};
          for (const st of ["stopped", "dropped", "in_progress", "continued"]) {
            links[st] = `/funnels/${encodeURIComponent(funnel.id)}/steps/visitors?${reportUrl(view, { step: String(d.step), status: st }).split("?")[1]}`;
          }
          back = reportUrl(view);
          fragment = stepVisitorsPartial(funnel.id, result, links, period.tz);
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          fragment = html`<div class="card-body">${notice(e.message, "bad")}</div>`;
          status = e.status;
        }
        if (isHtmx(c.request)) return htmlResponse(fragment, status);
        return shell(c, funnel, "Steps: visitors", html`<link rel="stylesheet" href="/assets/steps.css">
          <p><a href="${back}">← Back to the report</a></p>
          <section class="card">${fragment}</section>`, status);
      }),
    )
    .get(
      "/funnels/:id/steps/editor",
      withFunnel(async (c: Req, funnel) => {
        const def = getSteps(db, funnel.id);
        if (def) return editorResponse(c, funnel, editorView(funnel, c, stateFromDefinition(def)));
        const suggestion = await reads.run("steps.suggest", { funnelId: funnel.id });
        const message = isOwner(c.user) ? { text: "No steps yet. Here is a start from your data (landing page and first conversion): adjust and save.", tone: "info" as const } : undefined;
        return editorResponse(c, funnel, editorView(funnel, c, isOwner(c.user) ? stateFromDefinition(suggestion) : { window: "7d", order: "sequential", rows: [] }, { message }));
      }),
    )
    .post(
      "/funnels/:id/steps/editor",
      withFunnel(async (c: Req & { body: unknown }, funnel) => {
        let state = stateFromForm(c.body);
        const op = formField(c.body, "op") || "save";
        // A suggested pattern is taken and saved at once, so it is checked again too.
        if (op.startsWith("use:")) state = applyOp(state, op);
        else if (op !== "save") return editorResponse(c, funnel, editorView(funnel, c, applyOp(state, op)));
        const parsed = definitionFromState(state);
        if (!parsed.ok) return editorResponse(c, funnel, editorView(funnel, c, state, { errors: parsed.errors, errorJson: parsed.json }), 422);
        saveSteps(db, funnel.id, parsed.value);
        const checks = await reads.run("steps.check", { funnelId: funnel.id, steps: parsed.value.steps, now: ctx.now() });
        const unmatched = checks?.filter((k) => k.visitors === 0).length ?? 0;
        const message = !checks
          ? { text: `Saved ${parsed.value.steps.length} steps. Nothing was recorded in the last 30 days to check them against yet.`, tone: "good" as const }
          : unmatched
          ? { text: `Saved ${parsed.value.steps.length} steps. ${unmatched === 1 ? "One step matched" : `${unmatched} steps matched`} no visitor in the last 30 days: see below.`, tone: "warn" as const }
          : { text: `Saved ${parsed.value.steps.length} steps. Every step matched visitors in the last 30 days.`, tone: "good" as const };
        return editorResponse(c, funnel, editorView(funnel, c, stateFromDefinition(parsed.value), { message, checks: checks ?? undefined }));
      }),
    );
}
