// What every way of running the SDK in a page shares: consent, options, the client,
// the first page view and the experiments loader. `attach` adds the captures: the ES
// module installs them at once (autocapture.ts), the script tag loads them in a chunk
// (browser.ts); it returns what to run on every page view.
import { createClient } from "./client";
import { CAPTURES, debug, log, safe } from "./util";
import type { Aurea, AureaOptions, CaptureOptions } from "./types";
import { loadExperiments } from "./experiments-loader";

const METHODS = ["track", "conversion", "identify", "page", "reset", "flush", "checkoutReference"] as const;

function noop(): Aurea {
  const a: Record<string, () => unknown> = {};
  // checkoutReference (the only name that long) answers "" at once; the others resolve.
  for (const m of METHODS) a[m] = m[10] ? () => "" : async () => {};
  a.variant = () => null;
  return a as unknown as Aurea;
}

export function createCore(options: AureaOptions, attach: (aurea: Aurea, capture: CaptureOptions) => () => void): Aurea {
  const off = noop();
  if (typeof window == "undefined") return off;
  try {
    debug.on = !!options.debug;
    log("Initialized", options);
    if (!options.funnelId || !options.key) return log("off: no key"), off;
    const n = navigator as Navigator & { globalPrivacyControl?: boolean };
    // No consent: nothing is recorded and nobody is assigned; the page shows the control (or a stopped test's winner).
    if (options.respectDnt && (n.doNotTrack == "1" || n.globalPrivacyControl)) return loadExperiments(options, off);
    const capture = {} as CaptureOptions;
    for (const c of CAPTURES) capture[c] = options.capture?.[c] ?? true;
    let onPage: () => void;
    const client = createClient(options, () => onPage());
    const api = {} as Record<string, unknown>;
    for (const m of METHODS) api[m] = safe(client[m] as (...a: unknown[]) => unknown);
    const aurea = api as unknown as Aurea;
    onPage = attach(aurea, capture);
    // Read by the section-view code in the funnel's script (sdk/src/sections.ts).
    api.s = capture.sections;
    if (capture.pageviews) aurea.page();
    return loadExperiments(options, aurea);
  } catch (e) {
    log(e);
    return off;
  }
}
