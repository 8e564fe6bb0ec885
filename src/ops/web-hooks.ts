// For every dashboard page and API request: its time (for /metrics), and a 503 with
// Retry-After when it failed on the disk (a login or a settings change on a full
// disk), instead of a 500. Pages that only read keep working on a full disk.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { errorResponse, Unavailable } from "../http/errors";

const started = new WeakMap<Request, number>();
const UNTIMED = /^\/(healthz|metrics|sdk\.js|assets\/)/;

export function opsHooks(ctx: AppContext) {
  return new Elysia({ name: "ops-hooks" })
    .onRequest(({ request }) => {
      started.set(request, performance.now());
    })
    .onAfterResponse({ as: "global" }, ({ request, path, set }) => {
      if (typeof set.status === "number" && set.status < 500) ctx.ops.faults.recovered("dashboard");
      const at = started.get(request);
      if (at === undefined || UNTIMED.test(path)) return;
      ctx.ops.metrics.dashboard.observe((performance.now() - at) / 1000);
    })
    .onError({ as: "global" }, ({ error }) => {
      const fault = ctx.ops.faults.record("dashboard", error);
      if (!fault) return;
      const message = fault === "storage_full" ? "the server's disk is full; nothing was changed, retry later" : "the server could not write to its storage; retry later";
      return errorResponse(new Unavailable(fault, message, { retryAfterSec: 30 }));
    });
}
