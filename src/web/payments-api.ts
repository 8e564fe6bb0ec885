// /api/v1/funnels/:id/payments — connect payment providers with the funnel's secret key.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { InvalidInput, jsonResponse } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { connectionDeliveries, connectProvider, disconnectProvider, listConnectionViews } from "../payments/setup";
import { readJsonObject, secretKeyRoute } from "./api-auth";
import { publicOrigin } from "./auth/cookies";

const BASE = "/api/v1/funnels/:id/payments";

const readObject = (request: Request) => readJsonObject(request, '{"provider": "stripe", "secret": "whsec_…"}');

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new InvalidInput("invalid_field", `${field}: expected a string`);
  return v;
}

/** The base of webhook URLs: --public-url, else the origin this request came to. */
export function paymentsBaseUrl(ctx: AppContext, request: Request): string {
  return ctx.config.publicUrl ?? publicOrigin(request, ctx.config);
}

export function paymentsApi(ctx: AppContext) {
  const { db, sqlite } = ctx.store;
  const route = secretKeyRoute(ctx);

  return new Elysia({ name: "payments-api" })
    .use(apiErrors(ctx))
    .get(BASE, route((p, req) => jsonResponse(200, { connections: listConnectionViews(db, sqlite, p.id, paymentsBaseUrl(ctx, req)) })))
    .post(BASE, route(async (p, req) => {
      const body = await readObject(req);
      if (body.testMode !== undefined && typeof body.testMode !== "boolean") throw new InvalidInput("invalid_field", "testMode: expected true or false");
      const input = { provider: optionalString(body, "provider") ?? "", secret: optionalString(body, "secret"), testMode: body.testMode === true };
      const result = connectProvider(db, p.id, input, paymentsBaseUrl(ctx, req), ctx.now());
      ctx.log(`api: ${result.provider} connected to funnel ${p.id}`);
      return jsonResponse(201, result);
    }), { parse: "none" })
    .get(`${BASE}/:provider/deliveries`, route((p) => jsonResponse(200, { deliveries: connectionDeliveries(db, sqlite, p.id, p.provider, 20) })))
    .delete(`${BASE}/:provider`, route((p) => {
      disconnectProvider(db, p.id, p.provider);
      return new Response(null, { status: 204 });
    }));
}
