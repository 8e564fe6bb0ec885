// GET /funnels/:id and its partials: the chart, the grouped panels, one event's
// properties, and the live timeline's new rows.
import type { DimensionKey } from "../../../analytics/dimensions";
import type { Reads } from "../../../analytics/reads/run";
import { HttpError } from "../../../ingest/errors";
import { chartCard } from "../../../../views/analytics/chart";
import { eventPropsView } from "../../../../views/analytics/event-props";
import { cursorInput, liveRows } from "../../../../views/analytics/live";
import { DEFAULT_LIMIT, MAX_LIMIT, panel, PANELS, type PanelId } from "../../../../views/analytics/panel";
import { analyticsBody } from "../../../../views/analytics/page";
import { html, type SafeHtml } from "../../../../views/html";
import { one, type AnalyticsRequest, type Query } from "./request";

const seriesArgs = (req: AnalyticsRequest) => ({
  scope: req.scope,
  bucket: req.period.bucket,
  tz: req.tz,
  metric: req.state.metric,
  historyStart: req.funnel.firstEventAt,
  now: req.now,
});

export async function overviewBody(reads: Reads, req: AnalyticsRequest): Promise<SafeHtml> {
  const { series, overview, live, liveNow } = await reads.run("dashboard.overview", { ...seriesArgs(req), previous: req.period.previous });
  return analyticsBody({ state: req.state, period: req.period, overview, series, live, liveNow, now: req.now });
}

export async function chartPartial(reads: Reads, req: AnalyticsRequest): Promise<SafeHtml> {
  return chartCard(req.state, await reads.run("dashboard.chart", seriesArgs(req)), req.period);
}

export function isPanelId(raw: string): raw is PanelId {
  return Object.hasOwn(PANELS, raw);
}

export async function panelPartial(reads: Reads, req: AnalyticsRequest, id: string, query: Query): Promise<SafeHtml> {
  if (!isPanelId(id)) throw new HttpError(404, "not_found", `There is no panel "${id}" (expected ${Object.keys(PANELS).join(", ")}).`);
  const def = PANELS[id];
  let available: DimensionKey[] = def.tabs.map((t) => t.dim);
  if (id === "locations" && !(await reads.run("dashboard.geoDetail", { funnelId: req.funnel.id, now: req.now }))) available = ["country"];
  const raw = one(query, "dim");
  if (raw && !def.tabs.some((t) => t.dim === raw)) {
    throw new HttpError(400, "invalid_query", `dim: the ${def.title} panel shows ${def.tabs.map((t) => t.dim).join(", ")}, not "${raw}"`);
  }
  const dim = (raw && available.includes(raw as DimensionKey) ? raw : available[0]) as DimensionKey;
  const limitRaw = one(query, "limit");
  const limit = limitRaw === undefined ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, "invalid_query", `limit: expected a whole number from 1 to ${MAX_LIMIT}`);
  const data = await reads.run("dashboard.breakdown", { scope: req.scope, dim, limit, now: req.now });
  return panel(req.state, { def, dim, data, limit, available, empty: data.totalVisits === 0 });
}

export async function eventPropsPartial(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml> {
  const name = one(query, "name");
  if (!name) throw new HttpError(400, "invalid_query", "name: give the event name to open");
  return eventPropsView(await reads.run("dashboard.eventProps", { scope: req.scope, name }));
}

/** New rows since `after`, newest first, and the moved cursor; null when nothing is new (204). */
export async function livePartial(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml | null> {
  const raw = one(query, "after");
  const after = raw === undefined || raw === "" ? null : Number(raw);
  if (after !== null && (!Number.isSafeInteger(after) || after < 0)) throw new HttpError(400, "invalid_query", "after: expected the cursor from the page");
  const live = await reads.run("dashboard.live", { funnelId: req.funnel.id, filters: req.filters, after, now: req.now });
  if (!live.events.length) return after !== null && live.cursor !== after ? html`${cursorInput(live.cursor, true)}` : null;
  return html`${liveRows(req.funnel.id, live.events, req.tz, req.now, true)}${cursorInput(live.cursor, true)}`;
}
