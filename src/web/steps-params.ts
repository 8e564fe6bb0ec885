// Query-string parameters of the funnel report, shared by the JSON API and the pages.
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from "../store/journey-reader";
import { parseFilters, type Filter } from "../analytics/filters";
import type { DrillStatus } from "../analytics/funnel-report";
import { parsePeriod, type Period } from "../analytics/period";
import { parseLimit, parseRange } from "../analytics/range";
import { validTimeZone } from "../analytics/timezone";
import { InvalidInput } from "../http/errors";

type Query = Record<string, string | undefined>;

export interface ReportParams {
  from: number;
  to: number;
  breakdown?: BreakdownDimension;
  compare: boolean;
  filters: Filter[];
}

export function parseBreakdown(raw: string | undefined): BreakdownDimension | undefined {
  if (raw === undefined || raw === "" || raw === "none") return undefined;
  if (!(BREAKDOWN_DIMENSIONS as readonly string[]).includes(raw)) {
    throw new InvalidInput("invalid_query", `breakdown: expected one of ${BREAKDOWN_DIMENSIONS.join(", ")}, got "${raw}"`);
  }
  return raw as BreakdownDimension;
}

export function parseReportParams(q: Query, now: number): ReportParams {
  const { from, to } = parseRange(q, now);
  const compare = q.compare === "previous" || q.compare === "1" || q.compare === "true";
  return { from, to, breakdown: parseBreakdown(q.breakdown), compare, filters: parseFilters(q) };
}

/**
 * The range form sends a preset and the From/To dates it showed (shown_from, shown_to):
 * dates that were changed mean those dates, whatever the preset says, so nobody has to
 * pick "Custom range" first.
 */
export function rangeQuery(q: Query): Query {
  if (q.range === "custom" || !q.from || !q.to) return q;
  if (q.from === q.shown_from && q.to === q.shown_to) return q;
  return { ...q, range: "custom" };
}

/** The dashboard's way: ?range=30d (or custom with from/to dates) in the funnel's zone (or an explicit ?tz=), plus filters. */
export function parsePageParams(q: Query, now: number, zone: string): { period: Period; breakdown?: BreakdownDimension; filters: Filter[] } {
  const tz = validTimeZone(q.tz) ?? zone;
  return { period: parsePeriod(rangeQuery(q), tz, now), breakdown: parseBreakdown(q.breakdown), filters: parseFilters(q) };
}

const STATUSES: DrillStatus[] = ["dropped", "continued", "in_progress", "stopped"];

export function parseDrillParams(q: Query, stepCount: number): { step: number; status: DrillStatus; limit: number } {
  const step = Number(q.step);
  if (!Number.isInteger(step) || step < 1 || step > stepCount) {
    throw new InvalidInput("invalid_query", `step: expected a step number from 1 to ${stepCount}, got "${q.step ?? ""}"`);
  }
  const status = (q.status ?? "stopped") as DrillStatus;
  if (!STATUSES.includes(status)) throw new InvalidInput("invalid_query", `status: expected one of ${STATUSES.join(", ")}, got "${q.status}"`);
  return { step, status, limit: parseLimit(q.limit, 100, 1000) };
}
