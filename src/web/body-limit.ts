// Request bodies on the framework's routes are bounded here, before anything reads
// them, and refused in the API's JSON error shape. Bun's own limit (server.ts) is set
// out of reach because it answers a bare 413 that no handler sees; the ingest route
// bounds its body itself (ingest/read-body.ts).
import { errorResponse, LengthRequired, TooLarge } from "../http/errors";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** An Elysia onRequest hook: a Response refuses the request, undefined lets it through. */
export function refuseLargeBodies({ request }: { request: Request }): Response | undefined {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return undefined;
  const length = request.headers.get("content-length");
  if (length === null) {
    if (!request.headers.get("transfer-encoding")) return undefined;
    // A body of unknown length could not be bounded before the framework reads it.
    return errorResponse(new LengthRequired("send the body with a Content-Length header"));
  }
  if (Number(length) > MAX_BODY_BYTES) {
    return errorResponse(new TooLarge("payload_too_large", `request body is over the limit of ${MAX_BODY_BYTES} bytes`, { bodyUnread: true }));
  }
  return undefined;
}
