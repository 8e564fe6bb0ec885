// The script tag entry: <script defer src=".../sdk.js" data-funnel-id data-key>.
// Replays calls made to the pre-load stub, then becomes window.aurea. It records the
// page view (and every API call) at once and loads the rest in the capture chunk, whose
// URL carries its content hash so it is cached for good: the sender (batches, retries)
// and the captures (clicks, forms, scroll, SPA navigation, checkout links). Until it
// runs, events wait in the queue (beaconed if the page closes) and clicks and submits
// are kept for it. If it cannot load, Aurea is taken as unreachable: the queue is
// beaconed on close and also stored for the next page.
import { createCore } from "./core";
import type { Hook } from "./hook";
import { scriptOptions } from "./script-options";
import type { Aurea } from "./types";
import { load } from "./util";

// Set by scripts/build-sdk.ts: the capture chunk's content hash.
declare const CAPTURE_VERSION: string;

(() => {
  try {
    const w = window as unknown as { aurea?: Aurea & { q?: [keyof Aurea, Iterable<never>][] } };
    const stub = w.aurea;
    if (stub?.flush && !stub.q) return;
    // No tag found: reading its dataset throws, and nothing runs.
    const el = (document.currentScript || document.querySelector("script[data-funnel-id]")) as HTMLScriptElement;
    const aurea = (w.aurea = createCore(scriptOptions(el.dataset, el.src || location.href), (x: Hook, o, pipe) => {
      x.o = o.capture;
      x.p = pipe;
      x.u = location.href;
      x.b = [];
      const keep = (e: Event) => x.b && x.b.push(e);
      addEventListener("click", keep, true);
      addEventListener("submit", keep, true);
      load(o.apiUrl + "/sdk-capture.js?v=" + CAPTURE_VERSION).onerror = () => ((x.b = 0), (pipe.f = true));
      return () => (x.u = location.href);
    }));
    for (const [m, args] of stub?.q || []) (aurea[m] as (...a: unknown[]) => unknown)?.(...args);
  } catch {}
})();
