// /api/v1/funnels/:id/experiments — split tests with the funnel's secret key: list and
// create, read one, stop it (PATCH {"status": "stopped", "winner": "b"}), its results.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { parseExperimentInput } from "../experiments/definition";
import { resultsJson } from "../experiments/results";
import { createExperiment, listExperiments, requireExperiment, stopExperiment } from "../experiments/store";
import { InvalidInput, jsonResponse } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { readJsonObject, secretKeyRoute } from "./api-auth";

const BASE = "/api/v1/funnels/:id/experiments";

const readObject = (request: Request) => readJsonObject(request, '{"key": "headline", "variants": "a:50,b:50", "metric": "revenue"}');

/** PATCH body → the winner to stop with (null: end without one). */
export function parseStop(body: Record<string, unknown>): string | null {
  if (body.status !== "stopped") throw new InvalidInput("invalid_status", 'status: the only change is {"status": "stopped"} (with "winner": "b" to keep a variant for everyone)');
  const w = body.winner;
  if (w === undefined || w === null || w === "") return null;
  if (typeof w !== "string") throw new InvalidInput("invalid_winner", "winner: expected a variant name");
  return w;
}

export function experimentsApi(ctx: AppContext) {
  const { db } = ctx.store;
  const route = secretKeyRoute(ctx);

  return new Elysia({ name: "experiments-api" })
    .use(apiErrors(ctx))
    .get(BASE, route((p) => jsonResponse(200, { experiments: listExperiments(db, p.id) })))
    .post(BASE, route(async (p, req) => {
      const e = createExperiment(db, p.id, parseExperimentInput(await readObject(req)), ctx.now());
      ctx.log(`api: experiment ${e.key} started on funnel ${p.id}`);
      return jsonResponse(201, e);
    }), { parse: "none" })
    .get(`${BASE}/:key`, route((p) => jsonResponse(200, requireExperiment(db, p.id, p.key))))
    .patch(`${BASE}/:key`, route(async (p, req) => jsonResponse(200, stopExperiment(db, p.id, p.key, parseStop(await readObject(req)), ctx.now()))), { parse: "none" })
    .get(`${BASE}/:key/results`, route(async (p) => jsonResponse(200, resultsJson(await ctx.reads.run("experiments.results", { funnelId: p.id, key: p.key, now: ctx.now() })))));
}
