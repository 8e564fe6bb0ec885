// The script tag entry: <script defer src=".../sdk.js" data-funnel-id data-key>.
// Replays calls made to the pre-load stub, then becomes window.aurea. It records the
// page view at once and loads the captures (clicks, forms, scroll, SPA navigation,
// checkout links) in the capture chunk, whose URL carries its content hash so it is
// cached for good; clicks and submits until it runs are kept for it.
import { createCore } from "./core";
import type { Hook } from "./hook";
import { scriptOptions } from "./script-options";
import type { Aurea } from "./types";

type Stub = Partial<Aurea> & { q?: [keyof Aurea, ArrayLike<unknown>][] };

// Set by scripts/build-sdk.ts: the capture chunk's content hash.
declare const CAPTURE_VERSION: string;

(() => {
  try {
    const w = window as unknown as { aurea?: Stub };
    if (w.aurea?.flush && !w.aurea.q) return;
    const el = (document.currentScript || document.querySelector("script[data-funnel-id]")) as HTMLScriptElement | null;
    if (!el) return;
    const o = scriptOptions((n) => el.getAttribute(n), el.src || location.href);
    const aurea = createCore(o, (a, capture) => {
      const x = a as Hook;
      x.o = capture;
      x.u = location.href;
      x.b = [];
      for (const t of ["click", "submit"]) addEventListener(t, (e) => x.b && x.b.push(e), true);
      const s = document.createElement("script");
      s.src = o.apiUrl.replace(/\/+$/, "") + "/sdk-capture.js?v=" + CAPTURE_VERSION;
      s.onerror = () => (x.b = 0);
      document.head.append(s);
      return () => (x.u = location.href);
    });
    const q = w.aurea?.q || [];
    w.aurea = aurea;
    for (const [m, args] of q) (aurea[m] as (...a: unknown[]) => unknown)?.(...Array.from(args));
  } catch {}
})();
