// /api/v1/funnels/:id/automations — manage automation rules with the funnel's secret key.
import { Elysia } from "elysia";
import { automationRuntime } from "../automations/runtime";
import { toRuleView } from "../automations/rules";
import {
  createAutomation, deleteAutomation, deliveryDetail, deliveryLog, editAutomation, getAutomation, listAutomations,
  resendDelivery, rotateAutomationSecret, sendTestDelivery,
} from "../automations/service";
import type { AppContext } from "../context";
import { InvalidInput, jsonResponse } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { readBodyLimited } from "../ingest/read-body";
import { parseLimit } from "../analytics/range";
import { secretKeyRoute } from "./api-auth";

const MAX_BODY = 64 * 1024;
const BASE = "/api/v1/funnels/:id/automations";


async function readJson(request: Request): Promise<unknown> {
  const text = await readBodyLimited(request, MAX_BODY);
  if (!text.trim()) throw new InvalidInput("invalid_json", "request body is empty: expected a JSON object");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidInput("invalid_json", `request body is not valid JSON: ${(e as Error).message}`);
  }
}

export function automationsApi(ctx: AppContext) {
  const rt = automationRuntime(ctx);
  const { db } = ctx.store;

  const route = secretKeyRoute(ctx);
  const noParse = { parse: "none" as const };

  return new Elysia({ name: "automations-api" })
    .use(apiErrors(ctx))
    .post(BASE, route(async (p, req) => {
      const rule = await createAutomation(rt, p.id, await readJson(req));
      return jsonResponse(201, { id: rule.id, secret: rule.secret, automation: toRuleView(rule) });
    }), noParse)
    .get(BASE, route((p) => jsonResponse(200, { automations: listAutomations(rt, p.id).map(toRuleView) })))
    .get(`${BASE}/:ruleId`, route((p) => jsonResponse(200, toRuleView(getAutomation(rt, p.id, p.ruleId)))))
    .patch(`${BASE}/:ruleId`, route(async (p, req) => jsonResponse(200, toRuleView(await editAutomation(rt, p.id, p.ruleId, await readJson(req))))), noParse)
    .delete(`${BASE}/:ruleId`, route((p) => {
      deleteAutomation(rt, p.id, p.ruleId);
      return new Response(null, { status: 204 });
    }))
    .post(`${BASE}/:ruleId/rotate-secret`, route((p) => jsonResponse(200, { id: p.ruleId, secret: rotateAutomationSecret(rt, p.id, p.ruleId) })), noParse)
    .post(`${BASE}/:ruleId/test`, route((p) => jsonResponse(202, { deliveryId: sendTestDelivery(rt, p.id, p.ruleId) })), noParse)
    .get(`${BASE}/:ruleId/deliveries`, route((p, _req, q) => jsonResponse(200, { deliveries: deliveryLog(rt, p.id, p.ruleId, parseLimit(q.limit)) })))
    .get(`${BASE}/:ruleId/deliveries/:deliveryId`, route((p) => jsonResponse(200, deliveryDetail(rt, p.id, p.ruleId, p.deliveryId))))
    .post(`${BASE}/:ruleId/deliveries/:deliveryId/resend`, route((p) => {
      resendDelivery(rt, p.id, p.ruleId, p.deliveryId);
      return jsonResponse(202, { deliveryId: p.deliveryId, status: "pending" });
    }), noParse);
}
