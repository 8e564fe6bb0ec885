// GET /funnels/:id and its partials: the chart, the grouped panels, one event's
// properties, and the live timeline's new rows.
import type { DimensionKey } from "../../../analytics/dimensions";
import { EVENT_KINDS, eventKindOf, type EventKind } from "../../../analytics/event-kinds";
import type { Reads } from "../../../analytics/reads/run";
import { InvalidInput, NotFound } from "../../../http/errors";
import { chartCard } from "../../../../views/analytics/chart";
import { eventPropsView } from "../../../../views/analytics/event-props";
import { cursorInput, liveCard, liveRows } from "../../../../views/analytics/live";
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
  if (!isPanelId(id)) throw new NotFound("not_found", `There is no panel "${id}" (expected ${Object.keys(PANELS).join(", ")}).`);
  const def = PANELS[id];
  let available: DimensionKey[] = def.tabs.map((t) => t.dim);
  if (id === "locations" && !(await reads.run("dashboard.geoDetail", { funnelId: req.funnel.id, now: req.now }))) available = ["country"];
  const raw = one(query, "dim");
  if (raw && !def.tabs.some((t) => t.dim === raw)) {
    throw new InvalidInput("invalid_query", `dim: the ${def.title} panel shows ${def.tabs.map((t) => t.dim).join(", ")}, not "${raw}"`);
  }
  const dim = (raw && available.includes(raw as DimensionKey) ? raw : available[0]) as DimensionKey;
  const limitRaw = one(query, "limit");
  const limit = limitRaw === undefined ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidInput("invalid_query", `limit: expected a whole number from 1 to ${MAX_LIMIT}`);
  if (id === "events") return eventsPanel(reads, req, query, limit);
  const data = await reads.run("dashboard.breakdown", { scope: req.scope, dim, limit, now: req.now });
  return panel(req.state, { def, dim, data, limit, available, empty: data.totalVisits === 0 });
}

/** Event names are few: all are grouped, then split into custom, conversions and automatic. */
const EVENT_NAMES_READ = 1000;

async function eventsPanel(reads: Reads, req: AnalyticsRequest, query: Query, limit: number): Promise<SafeHtml> {
  const raw = one(query, "kind") ?? "custom";
  if (!(EVENT_KINDS as readonly string[]).includes(raw)) throw new InvalidInput("invalid_query", `kind: expected one of ${EVENT_KINDS.join(", ")}, got "${raw}"`);
  const active = raw as EventKind;
  const [all, kinds] = await Promise.all([
    reads.run("dashboard.breakdown", { scope: req.scope, dim: "event", limit: EVENT_NAMES_READ, now: req.now }),
    reads.run("dashboard.eventNameKinds", { funnelId: req.funnel.id }),
  ]);
  const counts: Record<EventKind, number> = { custom: 0, conversion: 0, auto: 0 };
  const rows = all.rows.filter((r) => {
    const k = eventKindOf(r.value, kinds);
    counts[k]++;
    return k === active;
  });
  const data = { ...all, rows: rows.slice(0, limit), values: rows.length };
  return panel(req.state, { def: PANELS.events, dim: "event", data, limit, available: ["event"], empty: all.totalVisits === 0, eventKind: { active, counts } });
}

export async function eventPropsPartial(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml> {
  const name = one(query, "name");
  if (!name) throw new InvalidInput("invalid_query", "name: give the event name to open");
  return eventPropsView(await reads.run("dashboard.eventProps", { scope: req.scope, name }));
}

/** New rows since `after`, newest first, and the moved cursor; null when nothing is new (204). */
export async function livePartial(reads: Reads, req: AnalyticsRequest, query: Query): Promise<SafeHtml | null> {
  const raw = one(query, "after");
  const after = raw === undefined || raw === "" ? null : Number(raw);
  if (after !== null && (!Number.isSafeInteger(after) || after < 0)) throw new InvalidInput("invalid_query", "after: expected the cursor from the page");
  const auto = one(query, "auto");
  if (auto !== undefined && auto !== "show" && auto !== "hide") throw new InvalidInput("invalid_query", `auto: expected show or hide, got "${auto}"`);
  const hideAuto = auto !== "show";
  if (one(query, "card") === "1") {
    const fresh = await reads.run("dashboard.live", { funnelId: req.funnel.id, filters: req.filters, after: null, now: req.now, hideAuto });
    return liveCard(req.state, fresh.events, fresh.cursor, req.tz, req.now, !hideAuto);
  }
  const live = await reads.run("dashboard.live", { funnelId: req.funnel.id, filters: req.filters, after, now: req.now, hideAuto });
  if (!live.events.length) return after !== null && live.cursor !== after ? html`${cursorInput(live.cursor, true)}` : null;
  return html`${liveRows(req.funnel.id, live.events, req.tz, req.now, true)}${cursorInput(live.cursor, true)}`;
}
