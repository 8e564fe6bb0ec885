// The script tag entry: <script defer src=".../sdk.js" data-funnel-id data-key>.
// Replays calls made to the pre-load stub, then becomes window.aurea.
import { createAurea } from "./index";
import { scriptOptions } from "./script-options";
import type { Aurea } from "./types";

type Stub = Partial<Aurea> & { q?: [keyof Aurea, ArrayLike<unknown>][] };

(() => {
  try {
    const w = window as unknown as { aurea?: Stub };
    if (w.aurea?.flush && !w.aurea.q) return;
    const el = (document.currentScript || document.querySelector("script[data-funnel-id]")) as HTMLScriptElement | null;
    if (!el) return;
    const aurea = createAurea(scriptOptions((n) => el.getAttribute(n), el.src || location.href));
    const q = w.aurea?.q || [];
    w.aurea = aurea;
    for (const [m, args] of q) (aurea[m] as (...a: unknown[]) => unknown)?.(...Array.from(args));
  } catch {}
})();
