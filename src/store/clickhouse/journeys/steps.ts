// Steps over ClickHouse: a starting point for a funnel without steps, and the check run
// when steps are saved (visitors each step matched in the last CHECK_DAYS days, near
// misses for a step that matched nobody). Each step reads at most MAX_EVENTS_READ
// candidate events; the exact match is the report's own (targetMatcher).
import type { ClickHouseClient } from "@clickhouse/client";
import { nearMisses, type Existing } from "../../../analytics/steps-near-miss";
import { DAY_MS, HOUR_MS } from "../../../analytics/timezone";
import { ANY_CONVERSION, propsMatch, stepSqlFilter, targetMatcher, type Step } from "../../../funnels/steps-definition";
import { CHECK_DAYS, type StepCheck, type SuggestedSteps } from "../../journey-reader";
import { MAX_EVENTS_READ } from "../../sqlite/journeys/steps-check";
import { distinctEventNames } from "../dashboard/names";
import { rows, Sql } from "../dashboard/query";
import { visitsWhere } from "../dashboard/visits-sql";
import { EVENT_TYPES } from "../../../ingest/payload";
import { stepMatch } from "./journey-sql";

const MAX_DISTINCT_PATHS = 2000;
const MAX_DISTINCT_NAMES = 500;

export async function suggestSteps(ch: ClickHouseClient, funnelId: string): Promise<SuggestedSteps> {
  const a = new Sql();
  const b = new Sql();
  const [[landingRow], [conversionRow]] = await Promise.all([
    rows<{ path: string }>(
      ch, a,
      `SELECT entry_path AS path, count() AS n FROM ${visitsWhere(a, funnelId, "1")} WHERE entry_path IS NOT NULL GROUP BY entry_path ORDER BY n DESC, entry_path LIMIT 1`,
    ),
    rows<{ name: string }>(ch, b, `SELECT name FROM events WHERE funnel_id = ${b.str(funnelId)} AND type = 'conversion' ORDER BY ts, row_id LIMIT 1`),
  ]);
  const landing = landingRow?.path ?? "/";
  const conversion = conversionRow?.name;
  const last: Step = conversion ? { name: titleCase(conversion), event: conversion } : { name: "Any conversion", event: ANY_CONVERSION };
  return { window: "7d", order: "sequential", steps: [{ name: landing === "/" ? "Landing" : `Landing ${landing}`.slice(0, 100), page: landing.replace(/[*?[\\]/g, "\\$&") }, last] };
}

function titleCase(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return (words.charAt(0).toUpperCase() + words.slice(1)).slice(0, 100) || "Conversion";
}

interface Row {
  anonymous_id: string;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
}

/** Null when the funnel recorded nothing in the window: there is nothing to check against. */
export async function checkSteps(ch: ClickHouseClient, funnelId: string, steps: Step[], now: number): Promise<StepCheck[] | null> {
  const from = now - CHECK_DAYS * DAY_MS;
  const to = now + HOUR_MS;
  const sql = new Sql();
  const any = await rows<{ one: number }>(ch, sql, `SELECT 1 AS one FROM events WHERE funnel_id = ${sql.str(funnelId)} AND ts >= ${sql.ms(from)} AND ts < ${sql.ms(to)} LIMIT 1`);
  if (!any.length) return null;

  const count = async (step: Step): Promise<{ visitors: number; atLeast: boolean }> => {
    if (stepSqlFilter(step).kind === "none") return { visitors: 0, atLeast: false };
    const q = new Sql();
    const got = await rows<Row>(
      ch, q,
      `SELECT e.anonymous_id AS anonymous_id, e.type AS type, e.name AS name, e.path AS path, ${step.where ? "e.props" : "NULL"} AS props FROM events AS e
       WHERE e.funnel_id = ${q.str(funnelId)} AND (${stepMatch(q, step)}) AND e.ts >= ${q.ms(from)} AND e.ts < ${q.ms(to)} LIMIT ${MAX_EVENTS_READ}`,
    );
    const match = targetMatcher(step);
    const seen = new Set<string>();
    for (const r of got) {
      if (!match(r.type, r.name, r.path)) continue;
      if (step.where && !propsMatch(r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null, step.where)) continue;
      seen.add(r.anonymous_id);
    }
    return { visitors: seen.size, atLeast: got.length >= MAX_EVENTS_READ };
  };

  let existing: Existing | null = null;
  const existingValues = async (): Promise<Existing> => {
    if (existing) return existing;
    const q = new Sql();
    const [paths, names] = await Promise.all([
      rows<{ path: string }>(
        ch, q,
        `SELECT DISTINCT path FROM events WHERE funnel_id = ${q.str(funnelId)} AND type = 'page_view' AND path IS NOT NULL ORDER BY path LIMIT ${MAX_DISTINCT_PATHS}`,
      ),
      Promise.all(EVENT_TYPES.filter((t) => t !== "page_view").map((t) => distinctEventNames(ch, funnelId, t, MAX_DISTINCT_NAMES))),
    ]);
    existing = { paths: paths.map((p) => p.path), names: [...new Set(names.flat())] };
    return existing;
  };

  const out: StepCheck[] = [];
  for (const step of steps) {
    const { visitors, atLeast } = await count(step);
    if (visitors > 0 || (step.page === undefined && step.event === undefined) || step.event === ANY_CONVERSION) {
      out.push({ visitors, atLeast, suggestions: [] });
      continue;
    }
    const kind = step.page !== undefined ? "page" : "event";
    const misses = nearMisses(kind, (step.page ?? step.event)!, await existingValues());
    const suggestions = [];
    for (const m of misses) {
      const c = await count({ name: step.name, [m.kind]: m.pattern, where: step.where });
      if (c.visitors > 0) suggestions.push({ ...m, ...c });
    }
    out.push({ visitors, atLeast, suggestions });
  }
  return out;
}
