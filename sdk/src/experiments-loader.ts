// The core's part of split tests, kept tiny: load the funnel's experiments script
// (/api/sdk/:funnelId/experiments.js, cacheable for a minute). When the funnel has no
// experiment, that script only marks the page ready; when it has some, it carries their
// config and loads their code (/sdk-experiments.js, its own cached chunk), which finds
// the SDK on window._aureaX and replaces aurea.variant. Until then aurea.variant()
// answers null and the page shows its default (control) markup. The chunk assigns by
// the visitor id in aurea.checkoutReference(): "" in cookieless mode and without
// consent, so those visitors are not assigned.
import type { Aurea, AureaOptions } from "./types";

/** Returns aurea, whose variant() answers null until the chunk replaces it. */
export function loadExperiments(o: AureaOptions, aurea: Aurea): Aurea {
  (window as unknown as { _aureaX: Aurea })._aureaX = aurea;
  aurea.variant = () => null;
  const s = document.createElement("script");
  s.src = o.apiUrl.replace(/\/+$/, "") + "/api/sdk/" + o.funnelId + "/experiments.js";
  document.head.append(s);
  return aurea;
}
