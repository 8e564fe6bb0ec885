// GET /funnels/:id and its partials: the chart, the grouped panels, one event's
// properties, and the live timeline's new rows.
import { breakdown } from "../../../analytics/breakdown";
import type { DimensionKey } from "../../../analytics/dimensions";
import { EVENT_KINDS, eventKindOf, eventNameKinds, type EventKind } from "../../../analytics/event-kinds";
import { eventProps } from "../../../analytics/event-props";
import { liveEvents } from "../../../analytics/live-events";
import { liveNow } from "../../../analytics/live-now";
import { overview } from "../../../analytics/overview";
import type { AnalyticsReader } from "../../../analytics/reader";
import { timeseries } from "../../../analytics/timeseries";
import { HttpError } from "../../../ingest/errors";
import { chartCard } from "../../../../views/analytics/chart";
import { eventPropsView } from "../../../../views/analytics/event-props";
import { cursorInput, liveCard, liveRows } from "../../../../views/analytics/live";
import { DEFAULT_LIMIT, MAX_LIMIT, panel, PANELS, type PanelId } from "../../../../views/analytics/panel";
import { analyticsBody } from "../../../../views/analytics/page";
import { html, type SafeHtml } from "../../../../views/html";
import { hasGeoDetail } from "../../../analytics/geo-detail";
import { one, type AnalyticsRequest, type Query } from "./request";

export function overviewBody(reader: AnalyticsReader, req: AnalyticsRequest): SafeHtml {
  const history = req.funnel.firstEventAt;
  const series = timeseries(reader, req.scope, req.period.bucket, req.tz, req.state.metric, history);
  return analyticsBody({
    state: req.state,
    period: req.period,
    overview: overview(reader, req.scope, req.period.previous, history, series.totalVisitors),
    series,
    live: liveEvents(reader.sqlite, req.funnel.id, req.filters, null, req.now, { hideAuto: true }),
    liveNow: liveNow(reader.sqlite, req.funnel.id, req.now),
    now: req.now,
  });
}

export function chartPartial(reader: AnalyticsReader, req: AnalyticsRequest): SafeHtml {
  return chartCard(req.state, timeseries(reader, req.scope, req.period.bucket, req.tz, req.state.metric, req.funnel.firstEventAt), req.period);
}

export function isPanelId(raw: string): raw is PanelId {
  return Object.hasOwn(PANELS, raw);
}

export function panelPartial(reader: AnalyticsReader, req: AnalyticsRequest, id: string, query: Query): SafeHtml {
  if (!isPanelId(id)) throw new HttpError(404, "not_found", `There is no panel "${id}" (expected ${Object.keys(PANELS).join(", ")}).`);
  const def = PANELS[id];
  let available: DimensionKey[] = def.tabs.map((t) => t.dim);
  if (id === "locations" && !hasGeoDetail(reader, req.funnel.id)) available = ["country"];
  const raw = one(query, "dim");
  if (raw && !def.tabs.some((t) => t.dim === raw)) {
    throw new HttpError(400, "invalid_query", `dim: the ${def.title} panel shows ${def.tabs.map((t) => t.dim).join(", ")}, not "${raw}"`);
  }
  const dim = (raw && available.includes(raw as DimensionKey) ? raw : available[0]) as DimensionKey;
  const limitRaw = one(query, "limit");
  const limit = limitRaw === undefined ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, "invalid_query", `limit: expected a whole number from 1 to ${MAX_LIMIT}`);
  if (id === "events") return eventsPanel(reader, req, query, limit);
  const data = breakdown(reader, req.scope, dim, limit);
  return panel(req.state, { def, dim, data, limit, available, empty: data.totalVisits === 0 });
}

/** Event names are few: all are grouped, then split into custom, conversions and automatic. */
const EVENT_NAMES_READ = 1000;

function eventsPanel(reader: AnalyticsReader, req: AnalyticsRequest, query: Query, limit: number): SafeHtml {
  const raw = one(query, "kind") ?? "custom";
  if (!(EVENT_KINDS as readonly string[]).includes(raw)) throw new HttpError(400, "invalid_query", `kind: expected one of ${EVENT_KINDS.join(", ")}, got "${raw}"`);
  const active = raw as EventKind;
  const all = breakdown(reader, req.scope, "event", EVENT_NAMES_READ);
  const kinds = eventNameKinds(reader.sqlite, req.funnel.id);
  const counts: Record<EventKind, number> = { custom: 0, conversion: 0, auto: 0 };
  const rows = all.rows.filter((r) => {
    const k = eventKindOf(r.value, kinds);
    counts[k]++;
    return k === active;
  });
  const data = { ...all, rows: rows.slice(0, limit), values: rows.length };
  return panel(req.state, { def: PANELS.events, dim: "event", data, limit, available: ["event"], empty: all.totalVisits === 0, eventKind: { active, counts } });
}

export function eventPropsPartial(reader: AnalyticsReader, req: AnalyticsRequest, query: Query): SafeHtml {
  const name = one(query, "name");
  if (!name) throw new HttpError(400, "invalid_query", "name: give the event name to open");
  return eventPropsView(eventProps(reader.sqlite, req.scope, name));
}

/** New rows since `after`, newest first, and the moved cursor; null when nothing is new (204). */
export function livePartial(reader: AnalyticsReader, req: AnalyticsRequest, query: Query): SafeHtml | null {
  const raw = one(query, "after");
  const after = raw === undefined || raw === "" ? null : Number(raw);
  if (after !== null && (!Number.isSafeInteger(after) || after < 0)) throw new HttpError(400, "invalid_query", "after: expected the cursor from the page");
  const auto = one(query, "auto");
  if (auto !== undefined && auto !== "show" && auto !== "hide") throw new HttpError(400, "invalid_query", `auto: expected show or hide, got "${auto}"`);
  const showAuto = auto === "show";
  if (one(query, "card") === "1") {
    const live = liveEvents(reader.sqlite, req.funnel.id, req.filters, null, req.now, { hideAuto: !showAuto });
    return liveCard(req.state, live.events, live.cursor, req.tz, req.now, showAuto);
  }
  const live = liveEvents(reader.sqlite, req.funnel.id, req.filters, after, req.now, { hideAuto: !showAuto });
  if (!live.events.length) return after !== null && live.cursor !== after ? html`${cursorInput(live.cursor, true)}` : null;
  return html`${liveRows(req.funnel.id, live.events, req.tz, req.now, true)}${cursorInput(live.cursor, true)}`;
}
