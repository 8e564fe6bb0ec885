// Analytics routes answer bad input the same way: a whole error page for a browser
// navigation, the sentence alone for htmx (app.js shows it as a toast).
import { HttpError } from "../../../ingest/errors";
import { html, htmlResponse } from "../../../../views/html";
import { errorPage } from "../../../../views/pages/error";
import { isHtmx, type DashboardUser } from "../../auth/guard";
import { PRIVATE_PAGE_HEADERS } from "../../auth/security-headers";

const TITLES: Record<number, string> = { 400: "Bad request", 404: "Not found", 503: "This report took too long" };

export async function respond(request: Request, user: DashboardUser, csrfToken: string, fn: () => Response | Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    if (isHtmx(request)) return htmlResponse(html`${e.message}`, e.status, PRIVATE_PAGE_HEADERS);
    const page = errorPage({ status: e.status, title: TITLES[e.status] ?? "Error", message: e.message, user, csrfToken });
    return htmlResponse(page, e.status, PRIVATE_PAGE_HEADERS);
  }
}

export function privateHtml(body: Parameters<typeof htmlResponse>[0], status = 200, headers: Record<string, string> = {}): Response {
  return htmlResponse(body, status, { ...PRIVATE_PAGE_HEADERS, ...headers });
}
