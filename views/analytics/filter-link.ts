// Links that change the analytics page's state: htmx swaps just the #analytics region
// and pushes the URL (so the back button restores the previous view); without
// JavaScript they are ordinary links to the same URL.
import { html, type SafeHtml } from "../html";

export function stateLink(href: string, content: SafeHtml | string, attrs: { className?: string; title?: string; current?: boolean } = {}): SafeHtml {
  return html`<a href="${href}" hx-get="${href}" hx-target="#analytics" hx-select="#analytics" hx-swap="outerHTML" hx-push-url="true"${
    attrs.className ? html` class="${attrs.className}"` : ""}${attrs.title ? html` title="${attrs.title}"` : ""}${
    attrs.current ? html` aria-current="true"` : ""}>${content}</a>`;
}
