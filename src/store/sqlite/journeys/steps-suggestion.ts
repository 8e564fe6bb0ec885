// A starting point for a funnel without steps: its most common landing page as
// step 1 and the first conversion name it ever saw as the last step.
import type { Database } from "bun:sqlite";
import type { Step } from "../../../funnels/steps-definition";
import type { SuggestedSteps } from "../../journey-reader";
import { funnelKey } from "../layout";

export function suggestSteps(sqlite: Database, funnelId: string): SuggestedSteps {
  const key = funnelKey(sqlite, funnelId);
  // Grouped by the path's id; its text only for ties and the one shown.
  const landing =
    sqlite
      .query<{ path: string }, [number | null]>(
        `SELECT (SELECT value FROM strings WHERE id = entry_path) AS path FROM sessions WHERE funnel = ? AND entry_path IS NOT NULL
         GROUP BY entry_path ORDER BY count(*) DESC, path LIMIT 1`,
      )
      .get(key)?.path ?? "/";
  const conversion = sqlite
    .query<{ name: string }, [number | null]>(
      `SELECT k.name FROM (SELECT kind FROM events WHERE funnel = ? AND kind IN (SELECT id FROM kinds WHERE type = 'conversion')
         ORDER BY ts, row_id LIMIT 1) first JOIN kinds k ON k.id = first.kind`,
    )
    .get(key)?.name;
  const last: Step = conversion ? { name: titleCase(conversion), event: conversion } : { name: "Any conversion", event: "$conversion" };
  return { window: "7d", order: "sequential", steps: [{ name: landing === "/" ? "Landing" : `Landing ${landing}`.slice(0, 100), page: landing.replace(/[*?[\\]/g, "\\$&") }, last] };
}

function titleCase(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return (words.charAt(0).toUpperCase() + words.slice(1)).slice(0, 100) || "Conversion";
}
