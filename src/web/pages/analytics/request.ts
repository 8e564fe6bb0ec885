// What every analytics route reads from its request: the funnel, the viewer's time
// zone, the date range and the filters, validated once (bad input → HttpError 4xx).
import type { AppContext } from "../../../context";
import { isDimensionKey, type DimensionKey } from "../../../analytics/dimensions";
import { parseFilters, type Filter, type Scope } from "../../../analytics/filters";
import { parsePeriod, type Period } from "../../../analytics/period";
import { SERIES_METRICS, type SeriesMetric } from "../../../analytics/timeseries";
import { validTimeZone } from "../../../analytics/timezone";
import { getFunnel, type Funnel } from "../../../funnels/store";
import { HttpError } from "../../../ingest/errors";
import type { ViewState } from "../../../../views/analytics/links";
import { readCookie } from "../../auth/cookies";

export const TZ_COOKIE = "aurea_tz";

export type Query = Record<string, string | string[] | undefined>;

export interface AnalyticsRequest {
  funnel: Funnel;
  tz: string;
  period: Period;
  filters: Filter[];
  scope: Scope;
  state: ViewState;
  now: number;
}

export function one(query: Query, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function requireFunnel(ctx: AppContext, id: string): Funnel {
  const funnel = getFunnel(ctx.store.db, id);
  if (!funnel) throw new HttpError(404, "not_found", `There is no funnel with id ${id}.`);
  return funnel;
}

/** ?tz= (set by the page's script) wins, then the cookie, then UTC. */
export function viewerTimeZone(query: Query, headers: Headers): { tz: string; fromUrl: string | null } {
  const raw = one(query, "tz");
  if (raw !== undefined && raw !== "") {
    const tz = validTimeZone(raw);
    if (!tz) throw new HttpError(400, "invalid_query", `tz: "${raw}" is not a time zone (expected e.g. Europe/Berlin)`);
    return { tz, fromUrl: tz };
  }
  return { tz: validTimeZone(readCookie(headers, TZ_COOKIE)) ?? "UTC", fromUrl: null };
}

export function parseMetric(query: Query): SeriesMetric {
  const raw = one(query, "metric") ?? "visitors";
  if (!(SERIES_METRICS as readonly string[]).includes(raw)) {
    throw new HttpError(400, "invalid_query", `metric: expected one of ${SERIES_METRICS.join(", ")}, got "${raw}"`);
  }
  return raw as SeriesMetric;
}

export function parseDimension(query: Query, fallback: DimensionKey, allowed: DimensionKey[]): DimensionKey {
  const raw = one(query, "dim");
  if (raw === undefined || raw === "") return fallback;
  if (!isDimensionKey(raw) || !allowed.includes(raw)) throw new HttpError(400, "invalid_query", `dim: expected one of ${allowed.join(", ")}, got "${raw}"`);
  return raw;
}

export function analyticsRequest(ctx: AppContext, funnelId: string, query: Query, headers: Headers): AnalyticsRequest {
  const funnel = requireFunnel(ctx, funnelId);
  const now = ctx.now();
  const { tz, fromUrl } = viewerTimeZone(query, headers);
  const flat: Record<string, string | undefined> = { range: one(query, "range"), from: one(query, "from"), to: one(query, "to") };
  const period = parsePeriod(flat, tz, now);
  const filters = parseFilters(query);
  const metric = parseMetric(query);
  return {
    funnel,
    tz,
    period,
    filters,
    scope: { funnelId: funnel.id, from: period.from, to: period.to, filters },
    state: { funnelId: funnel.id, preset: period.preset, fromDate: period.fromDate, toDate: period.toDate, tzParam: fromUrl, filters, metric },
    now,
  };
}
