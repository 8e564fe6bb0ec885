// The page an unsubscribe link opens: a button (a GET alone changes nothing, since mail
// scanners follow links), then the confirmation; or why the link is refused.
import { html, type SafeHtml } from "../html";

function shell(title: string, body: SafeHtml): string {
  return String(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#101828">
<h1 style="font-size:1.3rem">${title}</h1>${body}</body></html>`);
}

export function unsubscribeConfirm(email: string, funnelName: string, cadence: string, action: string): string {
  return shell(
    "Unsubscribe from this report?",
    html`<p>${email} gets the ${cadence} report of <strong>${funnelName}</strong>.</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="padding:.5rem 1rem">Unsubscribe</button></form>`,
  );
}

export function unsubscribeDone(email: string, funnelName: string, cadence: string): string {
  return shell("Unsubscribed", html`<p>${email} no longer gets the ${cadence} report of <strong>${funnelName}</strong>. An owner can add the address again in the funnel's settings.</p>`);
}

export function unsubscribeRefused(): string {
  return shell("This unsubscribe link is not valid", html`<p>The link was changed or was not made by this server. Use the link from the email as it is, or ask an owner to remove your address in the funnel's settings.</p>`);
}
