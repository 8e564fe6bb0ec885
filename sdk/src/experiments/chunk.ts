// The experiments chunk (/sdk-experiments.js), loaded by the funnel's experiments script
// only when the funnel has experiments. It finds the SDK and the config on
// window._aureaX, sends a visitor on a split URL to their variant's URL before the page
// shows, shows each data-aurea-variant element of the visitor's variant and hides the
// others, records one $exposure per visitor and experiment when the variant is seen,
// marks <html data-aurea-ready> and answers aurea.variant(key).
import { createStore } from "../store";
import type { Aurea } from "../types";
import { halfVisible } from "../visible";
import { pageKey, pick, redirectTarget, type ConfigExperiment, type ExperimentsConfig } from "./assign";

type Hook = Aurea & { c?: ExperimentsConfig };

const READY = "data-aurea-ready";

function run(aurea: Hook, config: ExperimentsConfig): void {
  const root = document.documentElement;
  // The page's inline timeout already showed the control: switching now would flash,
  // and this visitor saw the control, not their variant, so nothing is shown or recorded.
  const late = root.getAttribute(READY) == "timeout";
  const visitor = aurea.checkoutReference().slice(0, 32);
  const byKey: Record<string, ConfigExperiment> = {};
  for (const e of config.experiments) byKey[e.key] = e;

  // Which experiments this visitor was exposed to, kept with the visitor it was for.
  const store = createStore(!!visitor);
  const storeKey = "aurea_x_" + config.funnelId;
  const saved = store.get<{ v: string; k: Record<string, string> }>(storeKey);
  const exposed = saved && saved.v == visitor ? saved.k : {};
  const expose = (e: ConfigExperiment, name: string) => {
    if (exposed[e.key] || late) return;
    exposed[e.key] = name;
    store.set(storeKey, { v: visitor, k: exposed });
    aurea.track("$exposure", { experiment: e.key, variant: name });
  };

  // Split URLs first: a visitor who belongs elsewhere leaves before anything shows.
  const here = pageKey(location.href);
  for (const e of config.experiments) {
    const urls = e.splitUrls;
    const mine = pick(e, visitor);
    if (!Object.values(urls).some((u) => pageKey(u) == here)) continue;
    const target = urls[mine.name];
    if (target && pageKey(target) != here && !late) return location.replace(redirectTarget(target, location.href));
    if (mine.assigned && target) expose(e, mine.name);
  }

  const io = halfVisible((el) => {
    const [key, name] = (el.getAttribute("data-aurea-variant") || "").split(":");
    io.unobserve(el);
    if (byKey[key]) expose(byKey[key], name);
  });
  if (!late)
    document.querySelectorAll<HTMLElement>("[data-aurea-variant]").forEach((el) => {
      const [key, name] = (el.getAttribute("data-aurea-variant") || "").split(":");
      const e = byKey[key];
      if (!e) return;
      const mine = pick(e, visitor);
      el.hidden = name != mine.name;
      if (!el.hidden && mine.assigned) io.observe(el);
    });

  aurea.variant = (key) => {
    const e = byKey[key];
    if (!e) return null;
    const mine = pick(e, visitor);
    if (mine.assigned) expose(e, mine.name);
    return mine.name;
  };
  if (!root.hasAttribute(READY)) root.setAttribute(READY, "");
  document.dispatchEvent(new Event("aurea:ready"));
}

(() => {
  const aurea = (window as unknown as { _aureaX?: Hook })._aureaX;
  try {
    if (aurea && aurea.c) run(aurea, aurea.c);
  } catch {
    // Whatever failed, the page must not stay hidden.
    document.documentElement.setAttribute(READY, "");
  }
})();
