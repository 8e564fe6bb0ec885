// What every analytics route reads from its request: the funnel, the viewer's time
// zone, the date range and the filters, validated once (bad input → InvalidInput, NotFound).
import type { AppContext } from "../../../context";
import { isDimensionKey, type DimensionKey } from "../../../analytics/dimensions";
import { parseFilters, type Filter, type Scope } from "../../../analytics/filters";
import { parsePeriod, type Period } from "../../../analytics/period";
import { SERIES_METRICS, type SeriesMetric } from "../../../analytics/series";
import { validTimeZone } from "../../../analytics/timezone";
import { getFunnel, type Funnel } from "../../../funnels/store";
import { InvalidInput, NotFound } from "../../../http/errors";
import type { ViewState } from "../../../../views/analytics/links";
import { funnelZone } from "../../funnel-zone";

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
  if (!funnel) throw new NotFound("not_found", `There is no funnel with id ${id}.`);
  return funnel;
}

/** An explicit ?tz= (a shared link) wins; otherwise the funnel's zone (src/web/funnel-zone.ts). */
export function pageTimeZone(ctx: AppContext, funnelId: string, query: Query, headers: Headers, owner: boolean): { tz: string; fromUrl: string | null } {
  const raw = one(query, "tz");
  if (raw !== undefined && raw !== "") {
    const tz = validTimeZone(raw);
    if (!tz) throw new InvalidInput("invalid_query", `tz: "${raw}" is not a time zone (expected e.g. Europe/Berlin)`);
    return { tz, fromUrl: tz };
  }
  return { tz: funnelZone(ctx, funnelId, headers, owner), fromUrl: null };
}

export function parseMetric(query: Query): SeriesMetric {
  const raw = one(query, "metric") ?? "visitors";
  if (!(SERIES_METRICS as readonly string[]).includes(raw)) {
    throw new InvalidInput("invalid_query", `metric: expected one of ${SERIES_METRICS.join(", ")}, got "${raw}"`);
  }
  return raw as SeriesMetric;
}

export function parseDimension(query: Query, fallback: DimensionKey, allowed: DimensionKey[]): DimensionKey {
  const raw = one(query, "dim");
  if (raw === undefined || raw === "") return fallback;
  if (!isDimensionKey(raw) || !allowed.includes(raw)) throw new InvalidInput("invalid_query", `dim: expected one of ${allowed.join(", ")}, got "${raw}"`);
  return raw;
}

/** `owner`: an owner's first visit may set the funnel's zone from their browser. */
export function analyticsRequest(ctx: AppContext, funnelId: string, query: Query, headers: Headers, owner = false): AnalyticsRequest {
  const funnel = requireFunnel(ctx, funnelId);
  const now = ctx.now();
  const { tz, fromUrl } = pageTimeZone(ctx, funnel.id, query, headers, owner);
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
