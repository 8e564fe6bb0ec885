// GET /funnels/:id/live/stream: the dashboard tab's Server-Sent Events (new timeline
// rows, the "right now" card, heartbeats), authorised and validated like the page.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import type { LiveHub } from "../live/hub";
import { canSeeFunnel } from "./auth/funnel-access";
import { isOwner, requireUser } from "./auth/guard";
import { PRIVATE_PAGE_HEADERS } from "./auth/security-headers";
import { analyticsRequest, one } from "./pages/analytics/request";
import { InvalidInput } from "../http/errors";
import { pageErrors } from "../http/page-errors";

/** Last-Event-ID (a reconnect) wins over ?after= (the cursor the page was drawn with). */
export function streamCursor(header: string | null, after: string | undefined): number | null {
  const raw = header ?? after;
  if (raw === undefined || raw === null || raw === "") return null;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new InvalidInput("invalid_query", "after: expected the cursor from the page");
  return n;
}

export function liveStreamRoutes(ctx: AppContext, hub: LiveHub) {
  return new Elysia({ name: "live-stream" })
    .use(pageErrors(ctx))
    .use(requireUser(ctx))
    .get("/funnels/:id/live/stream", async ({ params, query, request, user }) => {
      const r = analyticsRequest(ctx, params.id, query, request.headers, isOwner(user));
      const cursor = streamCursor(request.headers.get("last-event-id"), one(query, "after"));
      const auto = one(query, "auto");
      if (auto !== undefined && auto !== "show" && auto !== "hide") throw new InvalidInput("invalid_query", `auto: expected show or hide, got "${auto}"`);
      // A viewer's access may be taken away while the tab is open: the hub asks again at each heartbeat.
      const allowed = isOwner(user) ? undefined : () => canSeeFunnel(ctx.store.db, user, r.funnel.id);
      return hub.open(r.funnel.id, r.filters, r.tz, cursor, PRIVATE_PAGE_HEADERS, auto !== "show", allowed);
    });
}
