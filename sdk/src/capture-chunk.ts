// The capture chunk (/sdk-capture.js?v=<content hash>), which the script tag's core
// loads right after it recorded the first page view: the sender of the queued events
// (sender.ts: batches, retries, backoff) and the captures: SPA navigation, scroll depth,
// clicks, outbound links, form submits and checkout references (autocapture.ts). It finds the
// core on window._aureaX, handles the clicks and submits the core kept while it loaded,
// and resets the per-page state (scroll depths, last URL) on every page view.
import { autocapture } from "./autocapture";
import { hook } from "./hook";
import { startSender } from "./sender";

(() => {
  try {
    const x = hook();
    // Nothing is recorded (no key, no consent), or the chunk already ran.
    if (!x?.o || !x.b) return;
    const early = x.b;
    x.b = 0;
    if (x.p) startSender(x.p);
    const reset = autocapture(x, x.o, x.u, early);
    const page = x.page;
    x.page = () => (reset(), page());
  } catch {}
})();
