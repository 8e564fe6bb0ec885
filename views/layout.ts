// The one document shell of the dashboard. No inline scripts or styles: the CSP
// allows only our own /assets files. htmx is configured through the meta tag
// below (JSON, not script): no injected indicator <style>, no eval, no style
// attributes settled, and 422 responses are swapped so forms can show their
// validation errors.
import { html, type SafeHtml } from "./html";

export interface LayoutUser {
  email: string;
  role: "owner" | "viewer";
}

export interface PageOptions {
  title: string;
  user: LayoutUser | null;
  csrfToken?: string;
  /** A funnel's pages carry its time zone (or pass `timeZone`). */
  funnel?: { id: string; name: string; timeZone?: string | null };
  /** Which funnel tab is current: overview | steps | sessions | contacts | automations | experiments | settings. */
  active?: string;
  /** The zone the page's times are in (a funnel's); app.js draws <time data-local> in it, else in the browser's. */
  timeZone?: string;
  body: SafeHtml;
}

export const PRODUCT_NAME = "Aurea";

// A server-wide warning on every page (the event store not answering), set by the server.
let siteNotice: () => string | null = () => null;

/** Shows notice() on every page while it returns text; clear() stops (if no later server replaced it). */
export function setSiteNotice(notice: () => string | null): { clear(): void } {
  siteNotice = notice;
  return {
    clear() {
      if (siteNotice === notice) siteNotice = () => null;
    },
  };
}

function noticeBar(): SafeHtml | string {
  let text: string | null = null;
  try {
    text = siteNotice();
  } catch {
    // a notice must never break a page
  }
  return text ? html`<div class="site-notice" role="alert"><div class="wrap">${text}</div></div>` : "";
}

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  // Never copy style attributes while settling: the CSP blocks them (and we use none).
  attributesToSettle: ["class", "width", "height"],
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
  ],
});

export const FUNNEL_TABS: { key: string; label: string; path: string }[] = [
  { key: "overview", label: "Overview", path: "" },
  { key: "steps", label: "Steps", path: "/steps" },
  { key: "sessions", label: "Sessions", path: "/sessions" },
  { key: "contacts", label: "Contacts", path: "/contacts" },
  { key: "automations", label: "Automations", path: "/automations" },
  { key: "alerts", label: "Alerts", path: "/alerts" },
  { key: "experiments", label: "Experiments", path: "/experiments" },
  { key: "settings", label: "Settings", path: "/settings" },
];

function funnelNav(funnel: { id: string; name: string }, active: string | undefined): SafeHtml {
  const base = `/funnels/${encodeURIComponent(funnel.id)}`;
  return html`<div class="funnel-bar">
    <div class="wrap funnel-bar-inner">
      <details class="switcher">
        <summary><span class="switcher-label">Funnel</span> <strong>${funnel.name}</strong></summary>
        <div class="switcher-menu" hx-get="/funnels/menu?current=${encodeURIComponent(funnel.id)}" hx-trigger="toggle once from:closest details" hx-swap="innerHTML">
          <a href="/funnels">All funnels</a>
        </div>
      </details>
      <nav class="tabs" aria-label="Funnel sections">
        ${FUNNEL_TABS.map(
          (t) => html`<a href="${base + t.path}"${t.key === active ? html` aria-current="page"` : ""}>${t.label}</a>`,
        )}
      </nav>
    </div>
  </div>`;
}

function userMenu(user: LayoutUser, csrfToken: string | undefined): SafeHtml {
  return html`<div class="user-menu">
    <span class="user-email" title="${user.email}">${user.email}</span>
    ${user.role === "viewer" ? html`<span class="badge">viewer</span>` : ""}
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="_csrf" value="${csrfToken ?? ""}">
      <button type="submit" class="button small ghost">Log out</button>
    </form>
  </div>`;
}

export function page(opts: PageOptions): SafeHtml {
  const title = opts.funnel ? `${opts.title} · ${opts.funnel.name} · ${PRODUCT_NAME}` : `${opts.title} · ${PRODUCT_NAME}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${opts.csrfToken ?? ""}">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<meta name="referrer" content="same-origin">
<title>${title}</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/app.js" defer></script>
</head>
<body${opts.timeZone ?? opts.funnel?.timeZone ? html` data-tz="${opts.timeZone ?? opts.funnel?.timeZone}"` : ""}>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="${opts.user ? "/funnels" : "/"}"><span class="brand-mark" aria-hidden="true"></span>${PRODUCT_NAME}</a>
    ${opts.user ? html`<nav class="main-nav" aria-label="Main"><a href="/funnels"${!opts.funnel && opts.active === "funnels" ? html` aria-current="page"` : ""}>Funnels</a>${
      opts.user.role === "owner" ? html`<a href="/settings/users"${opts.active === "users" ? html` aria-current="page"` : ""}>Users</a>` : ""
    }</nav>` : ""}
    ${opts.user ? userMenu(opts.user, opts.csrfToken) : ""}
  </div>
</header>
${opts.user ? noticeBar() : ""}
${opts.funnel ? funnelNav(opts.funnel, opts.active) : ""}
<main id="main" class="wrap" tabindex="-1">
${opts.body}
</main>
<div id="toasts" class="toasts" role="status" aria-live="polite"></div>
</body>
</html>`;
}
