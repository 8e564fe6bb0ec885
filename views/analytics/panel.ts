// The grouped panels (sources, pages, locations, devices, events): one partial each,
// with tabs for their dimensions. Every row is a link that filters the whole page.
import type { Breakdown } from "../../src/store/dashboard-views";
import { DIMENSIONS, leafValue, type DimensionKey } from "../../src/analytics/dimensions";
import { EVENT_KINDS, type EventKind } from "../../src/analytics/event-kinds";
import { GEO_ATTRIBUTION } from "../../src/enrich/geo";
import { mainCurrency, revenueTotal, type Revenue } from "../../src/analytics/tally";
import { html, type SafeHtml } from "../html";
import { stateLink } from "./filter-link";
import { flag, formatCount, formatMinor, formatMoneyWhole, formatPercent, valueLabel } from "./format";
import { pageUrl, subUrl, withFilter, type ViewState } from "./links";

export type PanelId = "sources" | "pages" | "locations" | "devices" | "events";

export interface PanelDef {
  id: PanelId;
  title: string;
  tabs: { dim: DimensionKey; label: string }[];
}

export const PANELS: Record<PanelId, PanelDef> = {
  sources: {
    id: "sources", title: "Sources",
    tabs: [
      { dim: "channel", label: "Channels" }, { dim: "referrer", label: "Referrers" }, { dim: "source", label: "UTM source" },
      { dim: "medium", label: "Medium" }, { dim: "campaign", label: "Campaign" }, { dim: "term", label: "Term" }, { dim: "content", label: "Content" },
    ],
  },
  pages: { id: "pages", title: "Pages", tabs: [{ dim: "page", label: "Top pages" }, { dim: "entry", label: "Entry pages" }, { dim: "exit", label: "Exit pages" }] },
  locations: { id: "locations", title: "Locations", tabs: [{ dim: "country", label: "Countries" }, { dim: "region", label: "Regions" }, { dim: "city", label: "Cities" }] },
  devices: { id: "devices", title: "Devices", tabs: [{ dim: "browser", label: "Browsers" }, { dim: "os", label: "Operating systems" }, { dim: "device", label: "Device types" }] },
  events: { id: "events", title: "Events", tabs: [{ dim: "event", label: "Events" }] },
};

export const PANEL_ORDER: PanelId[] = ["sources", "pages", "locations", "devices", "events"];
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

export function panelOf(dim: DimensionKey): PanelDef {
  return Object.values(PANELS).find((p) => p.tabs.some((t) => t.dim === dim))!;
}

/** The placeholder on first paint: loads itself as soon as it is on the page. */
export function panelPlaceholder(state: ViewState, def: PanelDef): SafeHtml {
  return html`<section class="card panel" id="panel-${def.id}" hx-get="${subUrl(state, `/panels/${def.id}`)}" hx-trigger="load" hx-swap="outerHTML">
    <header class="card-head"><h2>${def.title}</h2></header>
    <div class="card-body"><p class="muted loading">Loading…</p></div>
  </section>`;
}

export const EVENT_KIND_LABELS: Record<EventKind, { label: string; hint: string }> = {
  custom: { label: "Custom", hint: "Events your pages and backend send by name" },
  conversion: { label: "Conversions", hint: "Conversions, by name" },
  auto: { label: "Automatic", hint: "Captured by the SDK on its own (scroll depth, section views, form submits, outbound links) and identify" },
};

function eventKindTabs(state: ViewState, def: PanelDef, active: EventKind, counts: Record<EventKind, number>): SafeHtml {
  return html`<nav class="panel-tabs" role="tablist" aria-label="${def.title}">
    ${EVENT_KINDS.map((k) => html`<button type="button" role="tab" aria-selected="${k === active ? "true" : "false"}" title="${EVENT_KIND_LABELS[k].hint}"
      hx-get="${subUrl(state, `/panels/${def.id}`, { extra: { kind: k } })}" hx-target="#panel-${def.id}" hx-swap="outerHTML">${EVENT_KIND_LABELS[k].label} <span class="muted">${formatCount(counts[k])}</span></button>`)}
  </nav>`;
}

function tabs(state: ViewState, def: PanelDef, active: DimensionKey, available: DimensionKey[]): SafeHtml {
  if (def.tabs.length < 2) return html``;
  return html`<nav class="panel-tabs" role="tablist" aria-label="${def.title}">
    ${def.tabs.filter((t) => available.includes(t.dim)).map((t) => html`<button type="button" role="tab" aria-selected="${t.dim === active ? "true" : "false"}"
      hx-get="${subUrl(state, `/panels/${def.id}`, { extra: { dim: t.dim } })}" hx-target="#panel-${def.id}" hx-swap="outerHTML">${t.label}</button>`)}
  </nav>`;
}

function bar(share: number): SafeHtml {
  const w = Math.max(0, Math.min(100, share * 100));
  return html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="${w.toFixed(2)}" height="10"/></svg>`;
}

export interface PanelView {
  def: PanelDef;
  dim: DimensionKey;
  data: Breakdown;
  limit: number;
  /** Tabs to offer (regions and cities only when the geo database knows them). */
  available: DimensionKey[];
  /** Nothing at all in this scope. */
  empty: boolean;
  /** The events panel: which kind of events it lists, and how many names of each kind. */
  eventKind?: { active: EventKind; counts: Record<EventKind, number> };
}

export function panel(state: ViewState, v: PanelView): SafeHtml {
  const { def, dim, data } = v;
  const kind = DIMENSIONS[dim].kind;
  // One currency per column keeps rows one line high; the cell's title lists them all.
  const currency = kind === "session" ? mainCurrency(mergeRevenues(data.rows.map((r) => r.revenue))) : null;
  const showRevenue = currency !== null;
  const maxHits = Math.max(1, ...data.rows.map((r) => r.tally.hits));
  const header =
    kind === "event"
      ? html`<th scope="col" class="num">Count</th><th scope="col" class="num">Sessions</th><th scope="col"><span class="visually-hidden">Properties</span></th>`
      : kind === "page"
        ? html`<th scope="col" class="num">Sessions</th><th scope="col" class="num">Views</th><th scope="col" class="num" title="Share of these sessions that converted">CR</th>`
        : html`<th scope="col" class="num">Sessions</th><th scope="col" class="num" title="Share of these sessions that converted">CR</th>${showRevenue ? html`<th scope="col" class="num rev" title="In ${currency} where there is any; hover a cell for every currency">Revenue</th>` : ""}`;
  const rows = data.rows.map((r, i) => {
    const share = kind === "event" ? r.tally.hits / maxHits : data.totalVisits ? r.tally.visits / data.totalVisits : 0;
    // Regions and cities filter by their own name (the country is part of the label only).
    const filterValue = dim === "region" || dim === "city" ? leafValue(r.value) : r.value;
    const href = pageUrl(state, { filters: withFilter(state.filters, dim, filterValue) });
    const label = valueLabel(dim, r.value);
    const cr = r.tally.visits ? formatPercent(r.tally.converted / r.tally.visits) : "—";
    const cells =
      kind === "event"
        ? html`<td class="num">${formatCount(r.tally.hits)}</td><td class="num">${formatCount(r.tally.visits)}</td>
          <td class="props-cell"><button type="button" class="link small" hx-get="${subUrl(state, "/panels/event-props", { extra: { name: r.value } })}"
            hx-target="#event-props" hx-swap="innerHTML" aria-label="Properties of ${r.value}">props</button></td>`
        : kind === "page"
          ? html`<td class="num" title="${formatPercent(share)} of sessions">${formatCount(r.tally.visits)}</td><td class="num">${formatCount(r.tally.hits)}</td><td class="num">${cr}</td>`
          : html`<td class="num" title="${formatPercent(share)} of sessions">${formatCount(r.tally.visits)}</td><td class="num">${cr}</td>${
              showRevenue ? html`<td class="num rev" title="${formatMinor(r.revenue)}">${rowRevenue(r.revenue, currency)}</td>` : ""}`;
    return html`<tr data-row="${i}">
      <th scope="row" class="label">${bar(share)}${stateLink(href, html`${dim === "country" ? flag(r.value) : ""}${label}`, { title: `Filter: ${DIMENSIONS[dim].label} is ${label}`, className: "row-link" })}</th>
      ${cells}
    </tr>`;
  });
  const body = v.empty
    ? emptyPanel(kind)
    : v.eventKind && !data.rows.length
      ? emptyEventKind(v.eventKind.active)
    : data.rows.length
      ? html`<div class="table-wrap"><table class="breakdown">
          <thead><tr><th scope="col">${DIMENSIONS[dim].label}</th>${header}</tr></thead>
          <tbody>${rows}</tbody>
        </table></div>`
      : html`<p class="muted">Nothing here for this range and these filters.</p>`;
  const more =
    data.values > data.rows.length && v.limit < MAX_LIMIT
      ? html`<button type="button" class="link small" hx-get="${subUrl(state, `/panels/${def.id}`, { extra: { dim, limit: String(MAX_LIMIT), ...(v.eventKind ? { kind: v.eventKind.active } : {}) } })}"
          hx-target="#panel-${def.id}" hx-swap="outerHTML">Show ${formatCount(Math.min(MAX_LIMIT, data.values) - data.rows.length)} more</button>`
      : data.values > data.rows.length
        ? html`<span class="muted small">Top ${data.rows.length} of ${formatCount(data.values)}: export CSV for all.</span>`
        : "";
  const geo = def.id === "locations" ? html`<a class="geo-credit" href="${GEO_ATTRIBUTION.href}" rel="noopener" target="_blank">${GEO_ATTRIBUTION.text}</a>` : "";
  return html`<section class="card panel" id="panel-${def.id}" data-dim="${dim}">
    <header class="card-head"><h2>${def.title}</h2></header>
    ${v.eventKind ? eventKindTabs(state, def, v.eventKind.active, v.eventKind.counts) : tabs(state, def, dim, v.available)}
    <div class="card-body">${body}${def.id === "events" ? html`<div id="event-props" class="event-props" aria-live="polite"></div>` : ""}</div>
    ${more || geo ? html`<footer class="panel-foot">${more}${geo}</footer>` : ""}
  </section>`;
}

/** The panel's main currency when the row has it, else the row's own biggest; whole units. */
function rowRevenue(revenue: Revenue, currency: string | null): string {
  const own = currency && revenueTotal(revenue, currency) ? currency : mainCurrency(revenue);
  return own ? formatMoneyWhole(revenueTotal(revenue, own), own) : "—";
}

function mergeRevenues(list: Revenue[]): Revenue {
  const out: Revenue = {};
  for (const r of list) {
    for (const [c, v] of Object.entries(r)) {
      const t = (out[c] ??= { verified: 0, unverified: 0 });
      t.verified += v.verified;
      t.unverified += v.unverified;
    }
  }
  return out;
}

function emptyEventKind(kind: EventKind): SafeHtml {
  if (kind === "custom") return emptyPanel("event");
  if (kind === "conversion") return html`<p class="muted">No conversions in this range and with these filters.</p>`;
  return html`<p class="muted">No automatic events in this range. Turn them on in Settings → Installation (auto-capture).</p>`;
}

function emptyPanel(kind: string): SafeHtml {
  if (kind === "event") {
    return html`<p class="muted">No custom events yet. Send one from your page with
      <code>aurea.track("signup_started")</code>, or mark buttons with <code>data-aurea-event</code>.</p>`;
  }
  return html`<p class="muted">No sessions in this range yet. Pick a longer range, or remove filters.</p>`;
}
