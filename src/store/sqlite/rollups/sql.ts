// What the rollups hold and the per-visit metrics the live (filtered) queries share with
// them, so a number means the same thing whichever path computes it (the builder sums
// the same columns in JS, ./build.ts; the live reads' other SQL: ../dashboard/live-sql.ts).
// Our own constant text only.
import { SESSION_DIMENSIONS, type DimensionKey } from "../../../analytics/dimensions";

/**
 * "page" rows count a page's views and the visits that had them (the pages panel);
 * "page_visits" rows hold every metric of the visits that viewed the page, what the
 * dashboard shows when it is filtered by that page.
 */
export type RollupDim = "all" | DimensionKey | "page_visits";
export const ROLLUP_DIMS: RollupDim[] = ["all", ...SESSION_DIMENSIONS, "page", "event", "page_visits"];

/** Per visit (sessions s): the metrics of the visits grouped together. */
export const SESSION_METRICS = `count(*) AS visits, coalesce(sum(s.converted), 0) AS converted,
  coalesce(sum(s.conversions), 0) AS conversions, coalesce(sum(s.pageviews), 0) AS pageviews,
  coalesce(sum(s.events), 0) AS events, coalesce(sum(s.bounce), 0) AS bounces,
  coalesce(sum(s.duration_ms), 0) AS duration_ms, 0 AS hits`;
