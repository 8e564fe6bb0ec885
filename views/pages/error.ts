// A whole error page (403, 404, 429…) inside the layout.
import { html } from "../html";
import { page, type LayoutUser } from "../layout";

export function errorPage(opts: { status: number; title: string; message: string; user: LayoutUser | null; csrfToken?: string }) {
  return page({
    title: opts.title,
    user: opts.user,
    csrfToken: opts.csrfToken,
    body: html`<div class="card auth"><div class="card-body">
      <p class="muted">Error ${opts.status}</p>
      <h1>${opts.title}</h1>
      <p>${opts.message}</p>
      <p><a href="${opts.user ? "/funnels" : "/login"}">${opts.user ? "Back to your funnels" : "Sign in"}</a></p>
    </div></div>`,
  });
}
