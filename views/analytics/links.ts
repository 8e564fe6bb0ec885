// URLs of the analytics pages and partials: the page's state (range, filters, metric)
// travels in the query string, so every view can be shared and the back button works.
import { DIMENSION_KEYS, type DimensionKey } from "../../src/analytics/dimensions";
import type { Filter } from "../../src/analytics/filters";
import { DEFAULT_PRESET, type Preset } from "../../src/analytics/period";
import type { SeriesMetric } from "../../src/analytics/series";

export interface ViewState {
  funnelId: string;
  preset: Preset;
  /** Custom range dates (YYYY-MM-DD), inclusive. */
  fromDate: string | null;
  toDate: string | null;
  /** Kept in links only when the page was asked for with ?tz= (otherwise the cookie says). */
  tzParam: string | null;
  filters: Filter[];
  metric: SeriesMetric;
}

export function funnelBase(funnelId: string): string {
  return `/funnels/${encodeURIComponent(funnelId)}`;
}

export interface StateChange {
  preset?: Preset;
  fromDate?: string | null;
  toDate?: string | null;
  filters?: Filter[];
  metric?: SeriesMetric;
  extra?: Record<string, string>;
}

export function stateQuery(state: ViewState, change: StateChange = {}, keepMetric = true): string {
  const q = new URLSearchParams();
  const preset = change.preset ?? state.preset;
  if (preset !== DEFAULT_PRESET) q.set("range", preset);
  if (preset === "custom") {
    q.set("from", (change.fromDate !== undefined ? change.fromDate : state.fromDate) ?? "");
    q.set("to", (change.toDate !== undefined ? change.toDate : state.toDate) ?? "");
  }
  for (const f of change.filters ?? state.filters) q.set(f.key, f.value);
  const metric = change.metric ?? state.metric;
  if (keepMetric && metric !== "visitors") q.set("metric", metric);
  if (state.tzParam) q.set("tz", state.tzParam);
  for (const [k, v] of Object.entries(change.extra ?? {})) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The analytics page itself. */
export function pageUrl(state: ViewState, change: StateChange = {}): string {
  return funnelBase(state.funnelId) + stateQuery(state, change);
}

/** A sub-page or partial under the funnel, with the same range and filters. */
export function subUrl(state: ViewState, path: string, change: StateChange = {}): string {
  return funnelBase(state.funnelId) + path + stateQuery(state, change, false);
}

/** The state with one filter set (replacing any on the same key). */
export function withFilter(filters: Filter[], key: DimensionKey, value: string): Filter[] {
  const next = filters.filter((f) => f.key !== key).concat({ key, value });
  return next.sort((a, b) => DIMENSION_KEYS.indexOf(a.key) - DIMENSION_KEYS.indexOf(b.key));
}

export function withoutFilter(filters: Filter[], key: DimensionKey): Filter[] {
  return filters.filter((f) => f.key !== key);
}
