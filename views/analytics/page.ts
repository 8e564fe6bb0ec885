// The analytics page of one funnel (/funnels/:id): toolbar, stats cards, chart, the
// grouped panels (each loads itself as a partial) and the live timeline.
import type { LiveNow, LiveResult, Overview, Series } from "../../src/store/dashboard-views";
import type { Period } from "../../src/analytics/period";
import { html, type SafeHtml } from "../html";
import { statsCards } from "./cards";
import { chartCard } from "./chart";
import { liveCard } from "./live";
import { nowCard } from "./now";
import { pageUrl, type ViewState } from "./links";
import { PANEL_ORDER, PANELS, panelPlaceholder } from "./panel";
import { revenuePlaceholder } from "./revenue";
import { toolbar } from "./toolbar";

export interface AnalyticsPageModel {
  state: ViewState;
  period: Period;
  overview: Overview;
  series: Series;
  live: LiveResult;
  liveNow: LiveNow;
  now: number;
}

/** Our own assets for these pages (the layout links only app.css/app.js). */
export function analyticsAssets(): SafeHtml {
  return html`<link rel="stylesheet" href="/assets/analytics.css"><script src="/assets/analytics.js" defer></script>`;
}

export function analyticsBody(m: AnalyticsPageModel): SafeHtml {
  const { state, period } = m;
  const noVisits = m.overview.current.tally.visits === 0;
  return html`${analyticsAssets()}
  <div id="analytics" class="analytics" data-tz="${period.tz}">
    ${toolbar(state, period, pageUrl)}
    ${statsCards(m.overview)}
    ${nowCard(m.liveNow, period.tz)}
    ${noVisits ? html`<p class="alert info range-empty">No sessions in this range${state.filters.length ? " with these filters" : ""}. Try a longer range${state.filters.length ? " or remove a filter" : ""}.</p>` : ""}
    ${chartCard(state, m.series, period)}
    <div class="panels">
      ${revenuePlaceholder(state)}
      ${PANEL_ORDER.map((id) => panelPlaceholder(state, PANELS[id]))}
    </div>
    ${liveCard(state, m.live.events, m.live.cursor, period.tz, m.now)}
  </div>`;
}
