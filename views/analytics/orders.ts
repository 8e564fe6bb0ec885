// Orders and refunds of one visit or contact: amount, verified or not, and whether it
// counts (a superseded report of the same order, or a test payment, does not).
import type { OrderLine } from "../../src/store/dashboard-views";
import { html, type SafeHtml } from "../html";
import { formatDateTime, formatMoney } from "./format";

function status(o: OrderLine): SafeHtml {
  if (o.test) return html`<span class="badge" title="A test-mode payment: left out of reports">test</span>`;
  const v = o.verified ? html`<span class="badge good">verified</span>` : html`<span class="badge warn">unverified</span>`;
  return o.counted || o.type === "refund" ? v : html`${v} <span class="badge" title="Another report of this order counts instead">not counted</span>`;
}

export function ordersSection(orders: OrderLine[], tz: string): SafeHtml {
  if (!orders.length) return html``;
  return html`<section class="card orders-card" id="orders">
    <header class="card-head"><h2>Orders and refunds</h2></header>
    <div class="card-body"><div class="table-wrap"><table class="breakdown orders">
      <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Order</th><th scope="col" class="num">Amount</th><th scope="col">Status</th></tr></thead>
      <tbody>${orders.map(
        (o) => html`<tr class="order-${o.type}">
          <td>${formatDateTime(o.ts, tz)}</td>
          <td>${o.type === "refund" ? "Refund" : o.name}${o.provider ? html` <span class="muted small">via ${o.provider}</span>` : ""}${o.product ? html` · ${o.product}` : ""}</td>
          <td><code>${o.orderId ?? "—"}</code></td>
          <td class="num">${o.amountMinor !== null && o.currency ? formatMoney(o.amountMinor, o.currency) : "—"}</td>
          <td>${status(o)}</td>
        </tr>`,
      )}</tbody>
    </table></div></div>
  </section>`;
}
