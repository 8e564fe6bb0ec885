// GET /funnels/:id/live/stream: the dashboard tab's Server-Sent Events (new timeline
// rows, the "right now" card, heartbeats), authorised and validated like the page.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import type { LiveHub } from "../live/hub";
import { requireUser } from "./auth/guard";
import { PRIVATE_PAGE_HEADERS } from "./auth/security-headers";
import { analyticsRequest, one } from "./pages/analytics/request";
import { respond } from "./pages/analytics/respond";
import { HttpError } from "../ingest/errors";

/** Last-Event-ID (a reconnect) wins over ?after= (the cursor the page was drawn with). */
export function streamCursor(header: string | null, after: string | undefined): number | null {
  const raw = header ?? after;
  if (raw === undefined || raw === null || raw === "") return null;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new HttpError(400, "invalid_query", "after: expected the cursor from the page");
  return n;
}

export function liveStreamRoutes(ctx: AppContext, hub: LiveHub) {
  return new Elysia({ name: "live-stream" })
    .use(requireUser(ctx))
    .get("/funnels/:id/live/stream", ({ params, query, request, user, csrfToken }) =>
      respond(request, user, csrfToken, () => {
        const r = analyticsRequest(ctx, params.id, query, request.headers);
        const cursor = streamCursor(request.headers.get("last-event-id"), one(query, "after"));
        return hub.open(r.funnel.id, r.filters, r.tz, cursor, PRIVATE_PAGE_HEADERS);
      }),
    );
}
