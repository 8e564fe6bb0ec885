// GET /api/sdk/:funnelId/experiments.js — what the SDK loads on every page (cacheable
// for a minute, so a stopped experiment reaches visitors within about a minute). It
// starts the section-view capture (sdk/dist/sdk-sections.js, carried here so the core
// stays small and no request is added). With no experiment to apply it then only marks
// the page ready; otherwise it hands the config to the SDK and loads the experiments
// chunk (/sdk-experiments.js) from the same origin.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import type { Db } from "../db/open";
import { listExperiments } from "../experiments/store";
import { getFunnel } from "../funnels/store";
import type { ExperimentsConfig } from "../../sdk/src/experiments/assign";
import sectionsSource from "../../sdk/dist/sdk-sections.js" with { type: "text" };

const HEADERS = {
  "content-type": "application/javascript; charset=utf-8",
  "cache-control": "public, max-age=60",
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
  "x-content-type-options": "nosniff",
};

const MARK_READY = `var d=document.documentElement;d.hasAttribute("data-aurea-ready")||(d.setAttribute("data-aurea-ready",""),document.dispatchEvent(new Event("aurea:ready")))`;

/** Running experiments, and stopped ones with a winner (everyone sees it); null when there are none. */
export function sdkExperimentsConfig(db: Db, funnelId: string): ExperimentsConfig | null {
  const funnel = getFunnel(db, funnelId);
  if (!funnel) return null;
  const experiments = listExperiments(db, funnelId)
    .filter((e) => e.status === "running" || e.winner)
    .map((e) => {
      const control = e.variants[0].name;
      // In split-URL mode the control lives at the funnel's URL unless it was given one.
      const splitUrls = Object.keys(e.splitUrls).length ? { [control]: funnel.url, ...e.splitUrls } : {};
      return { key: e.key, variants: e.variants, status: e.status, winner: e.winner, splitUrls };
    });
  return experiments.length ? { funnelId, experiments } : null;
}

// A fault in the section views never keeps the page from being marked ready.
const SECTIONS = `try{${sectionsSource.trim()}}catch(e){}\n`;

export function experimentsScript(config: ExperimentsConfig | null): string {
  return SECTIONS + experimentsPart(config);
}

function experimentsPart(config: ExperimentsConfig | null): string {
  if (!config) return `(function(){${MARK_READY}})();\n`;
  // JSON is a JS expression; "<" escaped so the text stays inert anywhere it is pasted.
  const json = JSON.stringify(config).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return `(function(x){if(!x){${MARK_READY};return}x.c=${json};var s=document.createElement("script");s.src=new URL("/sdk-experiments.js",document.currentScript.src).href;s.onerror=function(){${MARK_READY}};document.head.append(s)})(window._aureaX);\n`;
}

export function experimentsSdkRoute(ctx: AppContext) {
  return new Elysia({ name: "experiments-sdk" }).get("/api/sdk/:funnelId/experiments.js", ({ params }) => {
    let body: string;
    try {
      body = experimentsScript(sdkExperimentsConfig(ctx.store.db, params.funnelId));
    } catch (e) {
      // The page must never stay hidden: without the config, it shows its control.
      ctx.log(`experiments script: ${(e as Error).stack ?? e}`);
      body = experimentsScript(null);
    }
    return new Response(body, { headers: HEADERS });
  });
}
