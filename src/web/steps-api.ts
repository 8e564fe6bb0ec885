// GET/PUT /api/v1/funnels/:id/steps, GET …/report and …/report/visitors, with the funnel's secret key.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { getSteps, parseSteps, saveSteps, stepsToJson, type StepsDefinition } from "../funnels/steps-definition";
import { InvalidInput, jsonResponse, NotFound } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { readBodyLimited } from "../ingest/read-body";
import { requireSecretKey } from "./api-auth";
import { parseDrillParams, parseReportParams } from "./steps-params";

type Query = Record<string, string | undefined>;

const MAX_BODY = 64 * 1024;

export function stepsApi(ctx: AppContext) {
  const { db } = ctx.store;
  const { reads } = ctx;

  const guarded = (fn: (id: string, q: Query, request: Request) => Response | Promise<Response>) =>
    ({ params, query, request }: { params: { id: string }; query: Query; request: Request }) => {
      requireSecretKey(db, params.id, request.headers);
      return fn(params.id, query, request);
    };

  const definedSteps = async (id: string): Promise<StepsDefinition> => {
    const def = getSteps(db, id);
    if (!def) {
      throw new NotFound("no_steps", `funnel ${id} has no steps yet: PUT /api/v1/funnels/${id}/steps to define them`, {
        details: { suggestion: await reads.run("steps.suggest", { funnelId: id }) },
      });
    }
    return def;
  };

  return new Elysia({ name: "steps-api" })
    .use(apiErrors(ctx))
    .get("/api/v1/funnels/:id/steps", guarded(async (id) => jsonResponse(200, stepsToJson(await definedSteps(id)))))
    .put(
      "/api/v1/funnels/:id/steps",
      guarded(async (id, _q, request) => {
        const body = await readBodyLimited(request, MAX_BODY);
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch (e) {
          throw new InvalidInput("invalid_json", `request body is not valid JSON: ${(e as Error).message}`);
        }
        const parsed = parseSteps(json);
        if (!parsed.ok) {
          const message = parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
          throw new InvalidInput("invalid_steps", message, { details: parsed.errors });
        }
        saveSteps(db, id, parsed.value);
        return jsonResponse(200, stepsToJson(parsed.value));
      }),
      { parse: "none" },
    )
    .get(
      "/api/v1/funnels/:id/report",
      guarded(async (id, q) => {
        const def = await definedSteps(id);
        const p = parseReportParams(q, ctx.now());
        return jsonResponse(200, await reads.run("steps.report", { funnelId: id, def, ...p, now: ctx.now() }));
      }),
    )
    .get(
      "/api/v1/funnels/:id/report/visitors",
      guarded(async (id, q) => {
        const def = await definedSteps(id);
        const p = parseReportParams(q, ctx.now());
        const d = parseDrillParams(q, def.steps.length);
        return jsonResponse(200, await reads.run("steps.visitors", { funnelId: id, def, from: p.from, to: p.to, filters: p.filters, now: ctx.now(), ...d }));
      }),
    );
}
