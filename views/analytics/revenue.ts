// The revenue panel: gross, refunded and net in the funnel's main currency, verified
// net first (a switch adds unverified revenue), per channel, source, campaign or landing
// page under last or first touch. Other currencies are listed beside, never summed.
import type { RevenueBreakdown, RevenueModel, RevenueReport, RevenueTotals } from "../../src/analytics/revenue-report";
import { csrfField } from "../components";
import { html, type SafeHtml } from "../html";
import { formatCount, formatMoney } from "./format";
import { subUrl, type ViewState } from "./links";

export interface RevenueChoice {
  model: RevenueModel;
  breakdown: RevenueBreakdown;
  /** Count revenue the page reported too (default: verified only). */
  unverified: boolean;
  includeTest: boolean;
}

const BREAKDOWNS: { key: RevenueBreakdown; label: string }[] = [
  { key: "channel", label: "Channels" },
  { key: "utm_source", label: "UTM source" },
  { key: "utm_campaign", label: "Campaign" },
  { key: "landing_page", label: "Landing pages" },
];
const MODELS: { key: RevenueModel; label: string; title: string }[] = [
  { key: "last_touch", label: "Last touch", title: "Credit the visit that bought" },
  { key: "first_touch", label: "First touch", title: "Credit the visitor's first visit, however long before" },
];

function url(state: ViewState, c: RevenueChoice, change: Partial<RevenueChoice>): string {
  const n = { ...c, ...change };
  const extra: Record<string, string> = { model: n.model, by: n.breakdown };
  if (n.unverified) extra.unverified = "1";
  if (n.includeTest) extra.test = "1";
  return subUrl(state, "/panels/revenue", { extra });
}

/** The placeholder on first paint: loads itself. */
export function revenuePlaceholder(state: ViewState): SafeHtml {
  return revenuePlaceholderAt(subUrl(state, "/panels/revenue"));
}

/** The same from another page (the funnel report): `url` is the partial with its range (range, from, to, tz). */
export function revenuePlaceholderAt(url: string): SafeHtml {
  return html`<section class="card panel revenue-panel" id="panel-revenue" hx-get="${url}" hx-trigger="load" hx-swap="outerHTML">
    <header class="card-head"><h2>Revenue</h2></header>
    <div class="card-body"><p class="muted loading">Loading…</p></div>
  </section>`;
}

const shown = (t: RevenueTotals, c: RevenueChoice) => (c.unverified ? t.net : t.verifiedNet);

/** Like formatMoney, but zero is "$0.00" here: a refunded or unverified total of nothing is a figure. */
function amount(minor: number, currency: string): string {
  if (minor !== 0) return formatMoney(minor, currency);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(0);
  } catch {
    return `0 ${currency}`;
  }
}

/** Owners may change the main currency; empty goes back to automatic. */
export interface CurrencyEdit {
  csrfToken: string;
  /** The funnel's own setting, null when automatic. */
  setting: string | null;
  error?: string | null;
}

function currencyForm(state: ViewState, c: RevenueChoice, edit: CurrencyEdit): SafeHtml {
  return html`<details class="revenue-currency small"${edit.error ? " open" : ""}><summary>Main currency${edit.setting ? "" : " (automatic)"}</summary>
    <form method="post" action="${url(state, c, {}).replace("/panels/revenue", "/panels/revenue/currency")}"
      hx-post="${url(state, c, {}).replace("/panels/revenue", "/panels/revenue/currency")}" hx-target="#panel-revenue" hx-swap="outerHTML">
      ${csrfField(edit.csrfToken)}
      <label>ISO code <input name="currency" value="${edit.setting ?? ""}" placeholder="automatic" size="5" maxlength="3" pattern="[A-Za-z]{3}"></label>
      <button type="submit" class="small">Save</button>
      ${edit.error ? html`<span class="form-error" role="alert">${edit.error}</span>` : ""}
      <span class="muted">Empty: the most common currency of the orders shown.</span>
    </form>
  </details>`;
}

export function revenuePanel(state: ViewState, c: RevenueChoice, r: RevenueReport, edit: CurrencyEdit | null = null): SafeHtml {
  const money = (minor: number) => amount(minor, r.currency);
  const get = (change: Partial<RevenueChoice>) => html`hx-get="${url(state, c, change)}" hx-target="#panel-revenue" hx-swap="outerHTML"`;
  const others = Object.entries(r.otherCurrencies).sort(([a], [b]) => a.localeCompare(b));
  const label = (v: string | null) => (v === null ? html`<span class="muted">No visit</span>` : v === "" ? html`<span class="muted">(none)</span>` : html`${v}`);
  const max = Math.max(1, ...r.rows.map((row) => shown(row, c)));
  return html`<section class="card panel revenue-panel" id="panel-revenue" data-model="${c.model}" data-breakdown="${c.breakdown}" data-unverified="${c.unverified ? "1" : "0"}" data-test="${c.includeTest ? "1" : "0"}">
    <header class="card-head">
      <h2>Revenue <span class="badge" title="The funnel's main currency (Settings); others are listed apart">${r.currency}</span></h2>
      <div class="revenue-controls">
        <span class="segmented" role="group" aria-label="Attribution model">${MODELS.map(
          (m) => html`<button type="button" class="small" aria-pressed="${m.key === c.model ? "true" : "false"}" title="${m.title}" ${get({ model: m.key })}>${m.label}</button>`,
        )}</span>
        <label class="small"><input type="checkbox" class="revenue-unverified-switch" ${c.unverified ? "checked" : ""} ${get({ unverified: !c.unverified })}> include unverified</label>
        <label class="small" title="Test-mode payments (Stripe test mode, Paddle sandbox, Gumroad test)"><input type="checkbox" class="revenue-test-switch" ${c.includeTest ? "checked" : ""} ${get({ includeTest: !c.includeTest })}> include test payments</label>
      </div>
    </header>
    <dl class="kpi-split revenue-totals">
      <div><dt>${c.unverified ? "Net" : html`<span class="badge good" title="Confirmed by a payment provider or your server, net of refunds">verified net</span>`}</dt><dd class="revenue-net">${money(shown(r, c))}</dd></div>
      <div><dt>Gross</dt><dd class="revenue-gross">${money(r.gross)}</dd></div>
      <div><dt>Refunded</dt><dd class="revenue-refunded">${money(r.refunded)}</dd></div>
      <div><dt>Net</dt><dd class="revenue-all-net">${money(r.net)}</dd></div>
      <div><dt><span class="badge warn" title="Reported by the page (public key), not confirmed">unverified</span></dt><dd class="revenue-unverified">${money(r.net - r.verifiedNet)}</dd></div>
      <div><dt>Orders</dt><dd>${formatCount(r.orders)}</dd></div>
    </dl>
    ${others.length ? html`<p class="small muted revenue-others">Also, not summed: ${others.map(([cur, t]) => html`<span class="revenue-other" data-currency="${cur}">${amount(shown(t, c), cur)} net (${formatCount(t.orders)} orders)</span> `)}</p>` : ""}
    <nav class="panel-tabs" role="tablist" aria-label="Revenue by">${BREAKDOWNS.map(
      (b) => html`<button type="button" role="tab" aria-selected="${b.key === c.breakdown ? "true" : "false"}" ${get({ breakdown: b.key })}>${b.label}</button>`,
    )}</nav>
    <div class="card-body">${
      r.rows.length
        ? html`<div class="table-wrap"><table class="breakdown revenue-rows">
            <thead><tr><th scope="col">${BREAKDOWNS.find((b) => b.key === c.breakdown)!.label}</th><th scope="col" class="num">Orders</th>
              <th scope="col" class="num">Refunded</th><th scope="col" class="num">${c.unverified ? "Net" : "Verified net"}</th></tr></thead>
            <tbody>${r.rows.map(
              (row) => html`<tr data-value="${row.value ?? ""}" data-no-visit="${row.value === null ? "1" : "0"}">
                <th scope="row" class="label">${bar(shown(row, c) / max)}${label(row.value)}</th>
                <td class="num">${formatCount(row.orders)}</td><td class="num">${money(row.refunded)}</td>
                <td class="num rev">${money(shown(row, c))}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<p class="muted">No orders in this range. Connect a payment provider in Settings → Payments to record verified revenue.</p>`
    }<p class="hint small">Orders bought in this range (filters do not apply), with their refunds to date.</p></div>
    ${edit ? html`<footer class="panel-foot">${currencyForm(state, c, edit)}</footer>` : ""}
  </section>`;
}

function bar(share: number): SafeHtml {
  const w = Math.max(0, Math.min(100, share * 100));
  return html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect width="${w.toFixed(2)}" height="10"/></svg>`;
}
