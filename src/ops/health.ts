// GET /healthz: what the server can tell about itself, check by check. "failing"
// (503) only when it cannot do its job: the database does not answer, processing is
// stuck with work pending, the disk is under the floor, or storage errors are recent.
// Anything an operator should look at but that does not stop the server (parked
// batches, failing webhook deliveries, damaged files found at start, a large WAL) is
// "degraded" (200), so a restart never leaves a server a readiness probe refuses.
import { statSync } from "node:fs";
import type { AppContext } from "../context";
import type { GroupCommitter } from "../ingest/group-commit";
import type { Processing } from "../pipeline/processing";
import { queueCounts } from "../pipeline/batch-list";
import { WAL_BOUND_BYTES } from "../db/wal-bound";
import type { EventStoreHealth } from "../store/event-writer";

export type Status = "ok" | "degraded" | "failing";

/** Work pending and no processing run for this long: stuck. */
export const STUCK_AFTER_MS = 30_000;
/** A storage error this recent fails health. */
export const RECENT_FAULT_MS = 60_000;
const LAGGING_AFTER_MS = 60_000;
const DELIVERIES_WINDOW_MS = 24 * 3600_000;
const SLOW_CHECK_CACHE_MS = 10_000;

export interface HealthDeps {
  committer: GroupCommitter;
  processing: Processing;
}

export function walBytes(dbPath: string): number {
  return statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

export function oldestPendingAt(ctx: AppContext): number | null {
  const row = ctx.store.queue
    .query<{ at: number }, []>("SELECT received_at AS at FROM ingest_batches WHERE status = 'pending' ORDER BY id LIMIT 1")
    .get();
  return row?.at ?? null;
}

export function healthReport(ctx: AppContext, deps: HealthDeps): { httpStatus: number; body: Record<string, unknown> } {
  const now = ctx.now();
  const { ops } = ctx;
  const checks: Record<string, { status: Status } & Record<string, unknown>> = {};
  const guard = (name: string, fn: () => { status: Status } & Record<string, unknown>) => {
    try {
      checks[name] = fn();
    } catch (e) {
      checks[name] = { status: "failing", error: (e as Error).message };
    }
  };

  let database = "ok";
  guard("database", () => {
    try {
      ctx.store.sqlite.query("SELECT 1").get();
      return { status: "ok" };
    } catch (e) {
      database = (e as Error).message;
      throw e;
    }
  });

  let queue: Record<string, number> = {};
  guard("queue", () => {
    const counts = queueCounts(ctx.store.queue);
    queue = { ...counts, inMemory: deps.committer.queued };
    const oldest = oldestPendingAt(ctx);
    const lagMs = oldest === null ? 0 : Math.max(0, now - oldest);
    const status: Status = counts.parked > 0 || lagMs > LAGGING_AFTER_MS ? "degraded" : "ok";
    return { status, ...counts, oldestPendingAgeSeconds: Math.round(lagMs / 1000) };
  });

  guard("processing", () => {
    const ageMs = Math.max(0, now - ops.processing.lastRunAt);
    const pending = deps.processing.pending;
    const stuck = pending > 0 && ageMs > STUCK_AFTER_MS;
    // Waiting for an event store that is down is not stuck: batches stay queued and drain when it returns.
    const waiting = ops.processing.eventStore?.reachable === false;
    return {
      status: stuck ? (waiting ? "degraded" : "failing") : "ok",
      lastRunAgeSeconds: Math.round(ageMs / 1000),
      pending,
      ...(ops.processing.fault ? { fault: ops.processing.fault.fault, error: ops.processing.fault.message } : {}),
    };
  });

  guard("events", () => eventStoreCheck(ops.processing.eventStore ?? null, now));

  guard("disk", () => {
    const r = ops.disk.read();
    if (!r) return { status: "ok", note: "free space unknown (statfs failed)" };
    const status: Status = r.freeBytes < r.floorBytes ? "failing" : r.freeBytes < 2 * r.floorBytes ? "degraded" : "ok";
    return { status, ...r };
  });

  guard("wal", () => {
    const databaseBytes = walBytes(ctx.store.path);
    const queueBytes = walBytes(ctx.store.queue.filename);
    const status: Status = Math.max(databaseBytes, queueBytes) > 2 * WAL_BOUND_BYTES ? "degraded" : "ok";
    return { status, databaseBytes, queueBytes, boundBytes: WAL_BOUND_BYTES };
  });

  guard("storage", () => {
    const candidates = [ops.faults.recent(RECENT_FAULT_MS), ops.processing.fault].filter((f) => f && now - f.at <= RECENT_FAULT_MS);
    const last = candidates.sort((a, b) => b!.at - a!.at)[0];
    if (!last) return { status: "ok" };
    return { status: "failing", where: last.where, fault: last.fault, error: last.message, ageSeconds: Math.round((now - last.at) / 1000) };
  });

  guard("deliveries", () => {
    const failed = failedDeliveries(ctx, now);
    return { status: failed > 0 ? "degraded" : "ok", failedLastDay: failed };
  });

  guard("tasks", () => {
    // A task whose last run failed is for an operator to look at; it is retried on its schedule.
    const tasks = ops.tasks();
    const failing = tasks.filter((t) => t.lastFailed).map((t) => t.name);
    const byName = Object.fromEntries(
      tasks.map((t) => [t.name, { lastRunAt: t.lastFinishedAt, runs: t.runs, failures: t.failures, running: t.running, nextAt: t.nextAt, ...(t.lastFailed ? { error: t.lastError } : {}) }]),
    );
    return { status: failing.length ? "degraded" : "ok", ...(failing.length ? { failing } : {}), tasks: byName };
  });

  checks.files = ops.damage.length ? { status: "degraded", damage: ops.damage } : { status: "ok" };

  const statuses = Object.values(checks).map((c) => c.status);
  const status: Status = statuses.includes("failing") ? "failing" : statuses.includes("degraded") ? "degraded" : "ok";
  return { httpStatus: status === "failing" ? 503 : 200, body: { status, database, queue, checks } };
}

/** Where events are stored; an event store over the network that does not answer is degraded: events are accepted and queued meanwhile. */
export function eventStoreCheck(h: EventStoreHealth | null, now: number): { status: Status } & Record<string, unknown> {
  if (!h) return { status: "ok", store: "sqlite" };
  const base = { store: h.kind, url: h.shown, lastAckAgeSeconds: h.lastAckAt === null ? null : Math.round((now - h.lastAckAt) / 1000) };
  if (h.reachable) return { status: "ok", ...base };
  const downSeconds = h.downSince === null ? null : Math.round((now - h.downSince) / 1000);
  return { status: "degraded", ...base, error: h.error, downSeconds, note: "events are accepted and queued; they are stored when the server answers again" };
}

const deliveriesCache = new WeakMap<AppContext, { at: number; failed: number }>();

/** Webhook deliveries that gave up in the last day; cached, since it scans the table. */
function failedDeliveries(ctx: AppContext, now: number): number {
  const cached = deliveriesCache.get(ctx);
  if (cached && now - cached.at < SLOW_CHECK_CACHE_MS) return cached.failed;
  const failed = ctx.store.sqlite
    .query<{ n: number }, [number]>("SELECT count(*) AS n FROM deliveries WHERE status = 'failed' AND updated_at >= ?")
    .get(now - DELIVERIES_WINDOW_MS)!.n;
  deliveriesCache.set(ctx, { at: now, failed });
  return failed;
}
