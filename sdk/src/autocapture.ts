// What the SDK records on its own: SPA navigation, scroll depth, clicks on outbound
// links and declarative elements and form submits (section views come with the funnel's
// script: sdk/src/sections.ts), and the checkout reference on payment links. All
// listeners are passive or capture-phase observers that never change what the page
// does. The ES module runs it at once; the script tag loads it in its capture chunk.
import { decorate } from "./checkout";
import type { Aurea, CaptureOptions, Props } from "./types";
import { safe } from "./util";

const href = () => location.href.split("#")[0];
const attr = (el: Element, name: string) => el.getAttribute(name);

/**
 * Starts the captures; returns the reset to run on every page view. When started
 * late (the script tag's chunk): `from` is the URL of the last page view, so an SPA
 * navigation made before is still recorded, and `early` the clicks and submits seen
 * before, handled now in their order.
 */
export function autocapture(aurea: Aurea, c: CaptureOptions, from?: string, early: Event[] = []): () => void {
  let depths: number[];
  let last: string;
  const reset = () => {
    depths = [25, 50, 75, 100];
    last = href();
  };
  reset();
  if (from) last = from.split("#")[0];
  const handlers: Record<string, (e: any) => unknown> = {};
  // Capture phase: seen even when the page stops propagation. Passive: never blocks.
  const on = (target: EventTarget, type: string, fn: (e: any) => unknown) =>
    target.addEventListener(type, (handlers[type] = safe(fn)), { capture: true, passive: true });

  if (c.spa) {
    // Frameworks set the title after pushState: read the page once they are done.
    const nav = () => setTimeout(() => href() != last && aurea.page());
    for (const m of ["pushState", "replaceState"] as const) {
      const orig = history[m];
      history[m] = function (this: History, ...args: Parameters<History["pushState"]>) {
        orig.apply(this, args);
        nav();
      };
    }
    on(window, "popstate", nav);
    if (href() != last!) nav();
  }

  // Scroll events come at most once a frame and the layout is clean then: reading it is cheap.
  if (c.scroll)
    on(window, "scroll", () => {
      const seenPct = ((scrollY + innerHeight + 2) / document.documentElement.scrollHeight) * 100;
      while (depths[0] <= seenPct) aurea.track("scroll_depth", { depth: depths.shift() });
    });

  const click = (e: MouseEvent) => {
    const t = e.target as Element;
    const el = c.clicks && t.closest("[data-aurea-event]");
    if (el) {
      const props: Props = {};
      for (const a of el.attributes) if (a.name.startsWith("data-aurea-prop-")) props[a.name.slice(16)] = a.value;
      aurea.track(attr(el, "data-aurea-event")!, props);
    }
    const a = t.closest("a[href]") as HTMLAnchorElement | null;
    if (c.outbound && a && /^https?:$/.test(a.protocol) && a.host != location.host) aurea.track("outbound_click", { host: a.host, path: a.pathname });
    decorate(a, aurea.checkoutReference);
  };
  on(document, "click", click);

  // Field values are never read, except the email of a form marked data-aurea-identify.
  on(
    document,
    "submit",
    (e: SubmitEvent) => {
      const f = e.target as HTMLFormElement;
      if (f.hasAttribute("data-aurea-identify")) {
        const input = f.querySelector<HTMLInputElement>("input[type=email],input[name*=email i]");
        const email = input && input.value.trim();
        if (email && email.includes("@")) aurea.identify(email);
      }
      if (c.forms)
        aurea.track("form_submit", {
          form_id: attr(f, "id"),
          form_name: attr(f, "name"),
          form_action: attr(f, "action")?.split("?")[0],
          fields: f.querySelectorAll("input:not([type=hidden],[type=submit],[type=button],[type=image]),select,textarea").length,
        });
    },
  );

  for (const e of early) handlers[e.type]?.(e);
  return reset;
}
