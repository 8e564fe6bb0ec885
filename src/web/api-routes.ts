// GET /api/v1/funnels/:id/… — read what Aurea holds, with the funnel's secret key.
import { Elysia } from "elysia";
import { parseCursor } from "../analytics/cursor";
import { parseLimit, parseRange } from "../analytics/range";
import { parseRevenueQuery } from "../analytics/revenue-report";
import type { AppContext } from "../context";
import { jsonResponse } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { listBatches } from "../pipeline/batch-list";
import { installationStatus } from "./installation-status";
import { requireSecretKey } from "./api-auth";

type Query = Record<string, string | undefined>;

export function apiRoutes(ctx: AppContext) {
  const { db } = ctx.store;
  const { reads } = ctx;

  /** Authenticates, runs one read, answers JSON; errors are apiErrors'. */
  const read = (fn: (funnelId: string, q: Query) => unknown) =>
    async ({ params, query, request }: { params: { id: string }; query: Query; request: Request }) => {
      requireSecretKey(db, params.id, request.headers);
      return jsonResponse(200, await fn(params.id, query));
    };

  return new Elysia({ name: "api-v1" })
    .use(apiErrors(ctx))
    .get("/api/v1/funnels/:id/stats", read((id, q) => reads.run("api.stats", { funnelId: id, range: parseRange(q, ctx.now()) })))
    .get("/api/v1/funnels/:id/events", read((id, q) => reads.run("api.events", { funnelId: id, limit: parseLimit(q.limit), before: parseCursor(q.before) })))
    .get("/api/v1/funnels/:id/sessions", read((id, q) => reads.run("api.sessions", { funnelId: id, limit: parseLimit(q.limit), before: parseCursor(q.before) })))
    .get("/api/v1/funnels/:id/revenue", read((id, q) => reads.run("api.revenue", { funnelId: id, args: parseRevenueQuery(q, ctx.now()) })))
    .get("/api/v1/funnels/:id/contacts", read((id, q) => reads.run("api.contacts", { funnelId: id, limit: parseLimit(q.limit), before: parseCursor(q.before) })))
    .get("/api/v1/funnels/:id/installation", read((id) => installationStatus(db, ctx.store.sqlite, id)))
    .get("/api/v1/funnels/:id/batches", read((id, q) => ({ batches: listBatches(ctx.store.queue, id, q.status ?? "parked", parseLimit(q.limit)) })));
}
