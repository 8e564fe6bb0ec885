// What every way of running the SDK in a page shares: consent, options, the client,
// the first page view and the experiments loader. `attach` adds the sender and the
// captures: the ES module installs them at once (sender.ts, autocapture.ts), the script
// tag loads them in a chunk (browser.ts); it returns what to run on every page view.
//
// Split tests, kept tiny here: the funnel's experiments script
// (/api/sdk/:funnelId/experiments.js, cacheable for a minute) is loaded on every page.
// When the funnel has no experiment, it only marks the page ready; when it has some, it
// carries their config and loads their code (/sdk-experiments.js), which finds the SDK
// on window._aureaX and replaces aurea.variant. Until then aurea.variant() answers null
// and the page shows its default (control) markup. The chunk assigns by the visitor id
// in aurea.checkoutReference(): "" in cookieless mode and without consent, so those
// visitors are not assigned.
import { createClient } from "./client";
import { debug, load, log, safe } from "./util";
import type { Aurea, AureaOptions, CaptureOptions } from "./types";
import type { Pipe } from "./pipe";

const METHODS = "track conversion identify page reset flush checkoutReference".split(" ");

/** The options with every capture set (true unless turned off): the script tag's and the ES module's way. */
export type CoreOptions = AureaOptions & { capture: CaptureOptions };

/** o: the options with apiUrl normalised (no trailing slash); pipe: where the sender is to be attached. */
export type Attach = (aurea: Aurea, o: CoreOptions, pipe: Pipe) => () => void;

export function createCore(options: CoreOptions, attach: Attach): Aurea {
  // Until (and unless) the client is running, every method does nothing: checkoutReference
  // (the only name that long) answers "", variant null, the others resolve.
  const aurea = { variant: () => null } as unknown as Aurea & Record<string, unknown>;
  for (const m of METHODS) aurea[m] = m[10] ? () => "" : async () => {};
  try {
    debug.on = !!options.debug;
    log("Initialized", options);
    if (!options.funnelId || !options.key) return log("off: no key"), aurea;
    const o = { ...options, apiUrl: options.apiUrl.replace(/\/+$/, "") };
    const n = navigator as Navigator & { globalPrivacyControl?: boolean };
    // No consent: nothing is recorded and nobody is assigned; the page shows the control (or a stopped test's winner).
    if (!(o.respectDnt && (n.doNotTrack == "1" || n.globalPrivacyControl))) {
      let onPage: () => void;
      const client = createClient(o, () => onPage());
      for (const m of METHODS) aurea[m] = safe(client[m as keyof typeof client] as (...a: unknown[]) => unknown);
      onPage = attach(aurea, o, client.p);
      // Read by the section-view code in the funnel's script (sdk/src/sections.ts).
      aurea.s = o.capture.sections;
      if (o.capture.pageviews) aurea.page();
    }
    (window as unknown as { _aureaX: Aurea })._aureaX = aurea;
    load(o.apiUrl + "/api/sdk/" + o.funnelId + "/experiments.js");
  } catch (e) {
    log(e);
  }
  return aurea;
}
