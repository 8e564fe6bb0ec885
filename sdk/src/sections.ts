// Section views, delivered inside the funnel's script (/api/sdk/:funnelId/experiments.js,
// which the server builds around sdk/dist/sdk-sections.js) so the core /sdk.js stays
// small and no request is added. It finds the SDK on window._aureaX, which says on `s`
// whether the sections capture is on (absent when nothing is recorded), and records one
// section_view per data-aurea-view section per page view once half of it is in view.
// Until this script has loaded (or when the Aurea server is unreachable) none is recorded.
import type { Aurea } from "./types";
import { halfVisible } from "./visible";

(() => {
  const x = (window as unknown as { _aureaX?: Aurea & { s?: boolean } })._aureaX;
  if (!x?.s || !window.IntersectionObserver) return;
  let seen: Record<string, 1> = {};
  // Every page view (SPA navigations call aurea.page too) starts a new set of seen sections.
  const page = x.page;
  x.page = () => ((seen = {}), page());
  const io = halfVisible((el) => {
    const name = el.getAttribute("data-aurea-view");
    if (name && !seen[name]) (seen[name] = 1), x.track("section_view", { section: name });
  });
  let t: ReturnType<typeof setTimeout> | 0 = 0;
  // Sections rendered later (SPA pages) are picked up: at most one scan per 100 ms.
  const scan = () =>
    (t ||= setTimeout(() => {
      t = 0;
      document.querySelectorAll("[data-aurea-view]").forEach((el) => io.observe(el));
    }, 100));
  new MutationObserver(scan).observe(document, { childList: true, subtree: true });
  scan();
})();
