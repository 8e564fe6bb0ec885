// A starting point for a funnel without steps: its most common landing page as
// step 1 and the first conversion name it ever saw as the last step.
import type { Database } from "bun:sqlite";
import type { Step } from "../../../funnels/steps-definition";
import type { SuggestedSteps } from "../../journey-reader";

export function suggestSteps(sqlite: Database, funnelId: string): SuggestedSteps {
  const landing =
    sqlite
      .query<{ path: string }, [string]>(
        `SELECT entry_path AS path FROM sessions WHERE funnel_id = ? AND entry_path IS NOT NULL
         GROUP BY entry_path ORDER BY count(*) DESC, entry_path LIMIT 1`,
      )
      .get(funnelId)?.path ?? "/";
  const conversion = sqlite
    .query<{ name: string }, [string]>("SELECT name FROM events WHERE funnel_id = ? AND type = 'conversion' ORDER BY ts, row_id LIMIT 1")
    .get(funnelId)?.name;
  const last: Step = conversion ? { name: titleCase(conversion), event: conversion } : { name: "Any conversion", event: "$conversion" };
  return { window: "7d", order: "sequential", steps: [{ name: landing === "/" ? "Landing" : `Landing ${landing}`.slice(0, 100), page: landing.replace(/[*?[\\]/g, "\\$&") }, last] };
}

function titleCase(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return (words.charAt(0).toUpperCase() + words.slice(1)).slice(0, 100) || "Conversion";
}
