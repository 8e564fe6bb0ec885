// Analytics answers are private HTML. Their errors (bad input, a report that took too
// long) are drawn by the pages' one error handler, src/http/page-errors.ts.
import { htmlResponse } from "../../../../views/html";
import { PRIVATE_PAGE_HEADERS } from "../../auth/security-headers";

export function privateHtml(body: Parameters<typeof htmlResponse>[0], status = 200, headers: Record<string, string> = {}): Response {
  return htmlResponse(body, status, { ...PRIVATE_PAGE_HEADERS, ...headers });
}
