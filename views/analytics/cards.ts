// The stats cards, each with its change against the previous period of the same length.
import type { Overview, Totals } from "../../src/store/dashboard-views";
import { mainCurrency, revenueTotal } from "../../src/analytics/tally";
import { html, type SafeHtml } from "../html";
import { formatCount, formatDuration, formatMinor, formatPercent } from "./format";

type Change = { text: string; tone: "up" | "down" | "flat" };

/** Relative change of a count; "new" when there was nothing before. */
export function countChange(current: number, previous: number): Change {
  if (previous === 0) return current === 0 ? { text: "—", tone: "flat" } : { text: "new", tone: "up" };
  const r = (current - previous) / previous;
  if (Math.abs(r) < 0.0005) return { text: "0%", tone: "flat" };
  return { text: `${r > 0 ? "+" : "−"}${formatPercent(Math.abs(r))}`, tone: r > 0 ? "up" : "down" };
}

/** Change of a rate in percentage points. */
export function rateChange(current: number, previous: number, hadPrevious: boolean): Change {
  if (!hadPrevious) return { text: "—", tone: "flat" };
  const d = (current - previous) * 100;
  if (Math.abs(d) < 0.05) return { text: "0 pp", tone: "flat" };
  return { text: `${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} pp`, tone: d > 0 ? "up" : "down" };
}

function changeBadge(c: Change, goodWhenUp = true): SafeHtml {
  const good = c.tone === "flat" ? "flat" : (c.tone === "up") === goodWhenUp ? "good" : "bad";
  const arrow = c.tone === "up" ? "↑" : c.tone === "down" ? "↓" : "";
  return html`<span class="change ${good}" title="Compared with the previous period of the same length">${arrow ? html`<span aria-hidden="true">${arrow}</span> ` : ""}${c.text}</span>`;
}

function card(label: string, value: string, change: SafeHtml, extra?: SafeHtml, id?: string): SafeHtml {
  return html`<div class="kpi"${id ? html` id="${id}"` : ""}>
    <div class="kpi-label">${label}</div>
    <div class="kpi-value">${value}</div>
    <div class="kpi-foot">${change}${extra ?? ""}</div>
  </div>`;
}

const rate = (n: number, d: number) => (d ? n / d : 0);

export function statsCards(o: Overview): SafeHtml {
  const c = o.current;
  const p = o.previous;
  const had = p.tally.visits > 0;
  const currency = mainCurrency(c.revenue) ?? mainCurrency(p.revenue);
  const revenueNow = currency ? revenueTotal(c.revenue, currency) : 0;
  const revenueBefore = currency ? revenueTotal(p.revenue, currency) : 0;
  return html`<section class="kpis" aria-label="Totals">
    ${card("Visitors", formatCount(c.visitors), changeBadge(countChange(c.visitors, p.visitors)), undefined, "kpi-visitors")}
    ${card("Sessions", formatCount(c.tally.visits), changeBadge(countChange(c.tally.visits, p.tally.visits)))}
    ${card("Page views", formatCount(c.tally.pageviews), changeBadge(countChange(c.tally.pageviews, p.tally.pageviews)))}
    ${card("Events", formatCount(c.tally.events), changeBadge(countChange(c.tally.events, p.tally.events)))}
    ${card("Conversions", formatCount(c.tally.conversions), changeBadge(countChange(c.tally.conversions, p.tally.conversions)))}
    ${card(
      "Conversion rate",
      formatPercent(rate(c.tally.converted, c.tally.visits)),
      changeBadge(rateChange(rate(c.tally.converted, c.tally.visits), rate(p.tally.converted, p.tally.visits), had)),
      html`<span class="kpi-note">of sessions</span>`,
    )}
    ${revenueCard(c, currency, revenueNow, revenueBefore)}
    ${card(
      "Bounce rate",
      formatPercent(rate(c.tally.bounces, c.tally.visits)),
      changeBadge(rateChange(rate(c.tally.bounces, c.tally.visits), rate(p.tally.bounces, p.tally.visits), had), false),
    )}
    ${card(
      "Session duration",
      formatDuration(rate(c.tally.durationMs, c.tally.visits) / 1000),
      changeBadge(countChange(rate(c.tally.durationMs, c.tally.visits), rate(p.tally.durationMs, p.tally.visits))),
      html`<span class="kpi-note">average</span>`,
    )}
  </section>`;
}

/** The main currency large; others beneath; then verified vs unverified, told apart. */
function revenueCard(c: Totals, currency: string | null, now: number, before: number): SafeHtml {
  const others = Object.keys(c.revenue).filter((k) => k !== currency && revenueTotal(c.revenue, k) > 0).sort();
  const only = (k: string) => ({ [k]: c.revenue[k] });
  const main = currency && c.revenue[currency] ? formatMinor(only(currency)) : "—";
  return html`<div class="kpi kpi-revenue" id="kpi-revenue">
    <div class="kpi-label">Revenue${currency ? html` <span class="badge" title="The funnel's main currency; other currencies are listed beside it, never added to it">in ${currency}</span>` : ""}</div>
    <div class="kpi-value">${main}</div>
    <div class="kpi-foot">${changeBadge(countChange(now, before))}${others.length ? html`<span class="kpi-note">also ${others.map((k) => formatMinor(only(k))).join(" · ")}, not added</span>` : ""}</div>
    <dl class="kpi-split">
      <div><dt><span class="badge good" title="Sent by your server with the secret key">verified</span></dt><dd>${formatMinor(c.revenue, "verified")}</dd></div>
      <div><dt><span class="badge warn" title="Sent from the browser (public key): not confirmed by your server">unverified</span></dt><dd>${formatMinor(c.revenue, "unverified")}</dd></div>
    </dl>
  </div>`;
}
