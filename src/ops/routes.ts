// GET /healthz (health.ts) and GET /metrics (Prometheus text). Metrics are served with
// the --metrics-token as a bearer token, or without one to a loopback peer whose
// request carries no forwarding header: a reverse proxy on the same host forwards
// from 127.0.0.1, and would otherwise make them public.
import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import type { Server } from "bun";
import type { AppContext } from "../context";
import { errorResponse, Forbidden, jsonResponse } from "../http/errors";
import { apiErrors } from "../http/on-error";
import { healthReport, oldestPendingAt, walBytes, type HealthDeps } from "./health";
import { queueCounts } from "../pipeline/batch-list";

export function opsRoutes(ctx: AppContext, deps: HealthDeps) {
  registerGauges(ctx, deps);
  return new Elysia({ name: "ops" })
    .use(apiErrors(ctx))
    .get("/healthz", () => {
      const { httpStatus, body } = healthReport(ctx, deps);
      return jsonResponse(httpStatus, body, { "cache-control": "no-store" });
    })
    .get("/metrics", ({ request, server }) => {
      if (!metricsAllowed(ctx, request, server)) {
        return errorResponse(
          new Forbidden("forbidden", "metrics need the --metrics-token as a bearer token, or a direct request from this host"),
        );
      }
      return new Response(ctx.ops.metrics.registry.render(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      });
    });
}

export function metricsAllowed(ctx: AppContext, request: Request, server: Server<unknown> | null): boolean {
  const token = ctx.config.metricsToken;
  const auth = request.headers.get("authorization");
  if (token && auth?.startsWith("Bearer ")) return sameSecret(auth.slice(7), token);
  if (request.headers.has("x-forwarded-for") || request.headers.has("forwarded")) return false;
  const peer = server?.requestIP(request)?.address ?? "";
  return isLoopback(peer);
}

function sameSecret(given: string, expected: string): boolean {
  const a = new Bun.CryptoHasher("sha256").update(given).digest();
  const b = new Bun.CryptoHasher("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** Values read when scraped: cheap queries and stats, never on the ingest path. */
function registerGauges(ctx: AppContext, deps: HealthDeps): void {
  const r = ctx.ops.metrics.registry;
  r.gauge("aurea_queue_pending_batches", "Batches acknowledged and not yet processed", () => queueCounts(ctx.store.queue).pending);
  r.gauge("aurea_queue_parked_batches", "Batches that failed processing and wait for an operator", () => queueCounts(ctx.store.queue).parked);
  r.gauge("aurea_queue_unsynced_batches", "Batches accepted and not yet durable (not yet acknowledged)", () => deps.committer.queued);
  r.gauge("aurea_processing_lag_seconds", "Age of the oldest batch waiting to be processed", () => {
    const oldest = oldestPendingAt(ctx);
    return oldest === null ? 0 : Math.max(0, (ctx.now() - oldest) / 1000);
  });
  r.gauge("aurea_processing_last_run_age_seconds", "Time since processing last completed a run without error", () =>
    Math.max(0, (ctx.now() - ctx.ops.processing.lastRunAt) / 1000),
  );
  r.gauge("aurea_wal_bytes", "Size of each database's write-ahead log", () => [
    [{ database: "aurea" }, walBytes(ctx.store.path)],
    [{ database: "queue" }, walBytes(ctx.store.queue.filename)],
  ]);
  r.gauge("aurea_disk_free_bytes", "Free space on the data directory's filesystem", () => ctx.ops.disk.read()?.freeBytes ?? NaN);
  r.gauge("aurea_disk_floor_bytes", "Free space under which new batches are refused (--min-free-disk)", () => ctx.ops.disk.read()?.floorBytes ?? NaN);
  r.gauge("aurea_task_last_run_age_seconds", "Time since each periodic task last finished a run (src/tasks/table.ts)", () =>
    ctx.ops.tasks().map((t): [Record<string, string>, number] => [{ task: t.name }, t.lastFinishedAt === null ? NaN : Math.max(0, (ctx.now() - t.lastFinishedAt) / 1000)]),
  );
  r.gauge("aurea_task_last_run_failed", "1 when a periodic task's last run failed, else 0", () =>
    ctx.ops.tasks().map((t): [Record<string, string>, number] => [{ task: t.name }, t.lastFailed ? 1 : 0]),
  );
  r.gauge("aurea_task_failures", "Failed runs of each periodic task since the server started", () =>
    ctx.ops.tasks().map((t): [Record<string, string>, number] => [{ task: t.name }, t.failures]),
  );
  r.gauge("aurea_deliveries", "Webhook deliveries by status (pending, delivered, failed)", () =>
    ctx.store.sqlite
      .query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM deliveries GROUP BY status")
      .all()
      .map((row): [Record<string, string>, number] => [{ status: row.status }, row.n]),
  );
}
