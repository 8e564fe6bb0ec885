// POST /api/track/events: cheap checks, one durable write, one answer. Served as a
// native Bun route, not through Elysia: the hottest path skips the framework's
// per-request context and hooks (none of which it uses).
import type { Server } from "bun";
import type { AppContext } from "../context";
import { requestClientIp } from "../enrich/client-ip";
import { anyFunnelAllowsOrigin } from "../funnels/origins";
import { authenticate, checkOrigin, FunnelKeyCache, requestKey, type FunnelKeys } from "./auth";
import { AppError, errorResponse, Forbidden, InvalidInput, jsonResponse, RateLimited, Unavailable } from "../http/errors";
import { apiErrorResponse } from "../http/on-error";
import type { StorageFault } from "../db/storage-errors";
import type { GroupCommitter } from "./group-commit";
import { LIMITS, type TrackResponse } from "./payload";
import { RateLimiter } from "./rate-limit";
import { readBodyLimited } from "./read-body";
import { refusalLogOf } from "./refusals";
import { isNearMissOrigin } from "./origin-near-miss";
import { parseEnvelope, validateEvents } from "./validate";

/** Unavailable for the disk's faults: the batch is fine, the server cannot store it now. */
function storageError(fault: StorageFault): Unavailable {
  const message =
    fault === "storage_full"
      ? "the server's disk is (almost) full; nothing was stored, retry later"
      : "the server could not write to its storage; nothing was stored, retry later";
  return new Unavailable(fault, message, { retryAfterSec: 30 });
}

export interface IngestDeps {
  committer: GroupCommitter;
  /** Batches committed but not yet processed. */
  pendingBatches: () => number;
}

const PREFLIGHT_HEADERS = {
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type, x-aurea-key, authorization",
  "access-control-max-age": "86400",
};

export function ingestRoutes(ctx: AppContext, deps: IngestDeps) {
  const limiter = new RateLimiter(ctx.config.rateLimitPerMinute, ctx.now);
  const { db } = ctx.store;
  const keys = new FunnelKeyCache(ctx.store.sqlite, ctx.now);
  const refusals = refusalLogOf(ctx.store.sqlite);

  async function accept(request: Request, socketIp: string | null): Promise<Response> {
    const origin = request.headers.get("origin");
    // Answers are readable only by pages on an allowed origin: the funnel's own once
    // the key has named it, else any funnel's (the SDK on a funnel's page can then tell
    // "dropped, here is why" from a network failure). Other pages get no CORS header,
    // but for an install slip (localhost for 127.0.0.1, another port, www.): it may read
    // the refusal naming its own origin, so the SDK says in the console what to allow.
    let funnel: FunnelKeys | null = null;
    let funnelId: string | null = null;
    const cors = (ownRefusal = false): Record<string, string> => {
      if (!origin) return {};
      let allowed = ownRefusal;
      try {
        allowed ||= funnel ? funnel.origins.includes(origin) : anyFunnelAllowsOrigin(db, origin, funnelId);
      } catch {
        // an unreadable database answers without CORS rather than not at all
      }
      return allowed ? { "access-control-allow-origin": origin, "access-control-expose-headers": "Retry-After", vary: "Origin" } : { vary: "Origin" };
    };
    try {
      const receivedAt = ctx.now();
      if (deps.pendingBatches() + deps.committer.queued >= ctx.config.queueHighWater) {
        throw new Unavailable("queue_full", "Aurea is behind on processing; retry shortly", { retryAfterSec: 5 });
      }
      // Refused before the disk is full, so that the queue never takes the last bytes
      // that processing and checkpoints need to drain it.
      if (ctx.ops.disk.belowFloor()) throw storageError("storage_full");
      const body = await readBodyLimited(request, LIMITS.maxBodyBytes);
      const envelope = parseEnvelope(body);
      funnelId = envelope.funnelId;
      const auth = authenticate(keys, envelope.funnelId, requestKey(envelope.key, request.headers));
      funnel = auth.funnel;
      const { kind } = auth;
      checkOrigin(funnel, kind, origin);
      const ip = requestClientIp(request.headers, socketIp, ctx.config, ctx.log);
      if (kind === "public") {
        const wait = limiter.take(ip ?? "unknown");
        if (wait) throw new RateLimited(`too many requests from this address; retry in ${wait}s`, wait);
      }
      const { events, rejected, duplicates } = validateEvents(envelope.rawEvents, kind, receivedAt, envelope.sentAt);
      if (!events.length) throw new InvalidInput("no_valid_events", "no event in the batch is valid", { details: rejected });
      await deps.committer.enqueue({
        funnelId: funnel.id,
        keyKind: kind,
        receivedAt,
        ip,
        userAgent: request.headers.get("user-agent"),
        payload: JSON.stringify(events),
      });
      refusals.rejected(funnel.id, rejected, origin);
      ctx.ops.faults.recovered("ingest");
      ctx.ops.metrics.eventsAccepted.inc(undefined, events.length);
      if (rejected.length) ctx.ops.metrics.eventsDropped.inc({ reason: "invalid" }, rejected.length);
      const result: TrackResponse = duplicates ? { accepted: events.length, rejected, duplicates } : { accepted: events.length, rejected };
      return jsonResponse(202, result, cors());
    } catch (e) {
      if (e instanceof AppError) {
        refusals.refused(funnelId ?? undefined, e, origin);
        return errorResponse(e, cors(e.code === "origin_not_allowed" && funnel !== null && origin !== null && isNearMissOrigin(origin, funnel.origins)));
      }
      const fault = ctx.ops.faults.record("ingest", e);
      if (fault) return errorResponse(storageError(fault), cors());
      return apiErrorResponse(ctx.log, "ingest", e, { headers: cors(), internalMessage: "the batch could not be stored; retry" });
    }
  }

  /** Counts the answer for /metrics: a Map increment, nothing more on this path. */
  function counted(res: Response): Response {
    ctx.ops.metrics.ingestRequests.inc({ status: String(res.status) });
    return res;
  }

  function preflight(request: Request): Response {
    const origin = request.headers.get("origin");
    const funnelId = new URL(request.url).searchParams.get("funnel");
    if (origin && anyFunnelAllowsOrigin(db, origin, funnelId)) {
      return new Response(null, { status: 204, headers: { ...PREFLIGHT_HEADERS, "access-control-allow-origin": origin, vary: "Origin" } });
    }
    return errorResponse(new Forbidden("origin_not_allowed", `origin ${origin ?? "(none)"} is not allowed by any funnel`));
  }

  return {
    "/api/track/events": {
      POST: async (request: Request, server: Server<unknown>) => counted(await accept(request, server.requestIP(request)?.address ?? null)),
      OPTIONS: preflight,
    },
  };
}
