// The digest's HTML part: one table-based column, inline styles only, no images, so
// it reads the same in Gmail, Outlook and Apple Mail and on a phone.
import { html, type SafeHtml } from "../html";
import { outcomeSentence } from "../../src/experiments/outcome";
import type { DigestData } from "../../src/reports/digest-data";
import { formatCount, formatMoney, lostShare, metricLines, otherCurrenciesLine, pageLabel, periodTitle, sourceLabel, dayShares } from "./digest-format";

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TREND = { up: "#117a3d", down: "#b42318", flat: "#5f6b7a" };
const CELL = "padding:8px 10px;border-bottom:1px solid #e6e8eb;font-size:14px";
const HEAD = "padding:6px 10px;font-size:12px;color:#5f6b7a;text-align:left;border-bottom:1px solid #d0d5dd";

function section(title: string, body: SafeHtml): SafeHtml {
  return html`<tr><td style="padding:20px 24px 4px 24px"><h2 style="margin:0 0 8px 0;font-size:16px;color:#101828">${title}</h2>${body}</td></tr>`;
}

function table(head: string[], rows: (string | SafeHtml)[][], empty: string): SafeHtml {
  if (!rows.length) return html`<p style="margin:0;font-size:14px;color:#5f6b7a">${empty}</p>`;
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
<tr>${head.map((h, i) => html`<th style="${HEAD}${i ? ";text-align:right" : ""}">${h}</th>`)}</tr>
${rows.map((r) => html`<tr>${r.map((c, i) => html`<td style="${CELL}${i ? ";text-align:right;white-space:nowrap" : ";word-break:break-all"}">${c}</td>`)}</tr>`)}
</table>`;
}

const CHART_HEIGHT = 56;

/** Visitors per day as table cells with coloured blocks: no image, no SVG, so mail clients show it. */
function dayChart(d: DigestData): SafeHtml {
  const days = dayShares(d);
  if (days.length < 2) return html``;
  return html`<tr><td style="padding:4px 24px 0 24px"><div style="font-size:12px;color:#5f6b7a;margin-bottom:4px">Visitors per day</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" data-chart="visitors"><tr>${days.map(
    (p) => html`<td valign="bottom" height="${CHART_HEIGHT}" style="padding:0 1px;vertical-align:bottom;height:${CHART_HEIGHT}px" title="${p.date}: ${formatCount(p.visitors)} visitors" data-day="${p.date}" data-visitors="${p.visitors}"><div style="height:${Math.max(1, Math.round(p.share * CHART_HEIGHT))}px;line-height:1px;font-size:1px;background:#1d4ed8;border-radius:2px 2px 0 0">&nbsp;</div></td>`,
  )}</tr></table>
<div style="font-size:11px;color:#5f6b7a">${days[0].date} <span style="float:right">${days.at(-1)!.date}</span></div></td></tr>`;
}

export function digestHtml(d: DigestData, unsubscribeUrl: string | null): string {
  const cards = metricLines(d).map(
    (m) => html`<td class="card" width="50%" style="padding:12px;vertical-align:top">
<div style="font-size:12px;color:#5f6b7a">${m.label}</div>
<div style="font-size:22px;font-weight:600;color:#101828;margin-top:2px">${m.value}</div>
<div style="font-size:12px;color:${TREND[m.trend]}">${m.change} <span style="color:#5f6b7a">vs ${m.previous}</span></div></td>`,
  );
  const drops =
    d.drops === null
      ? html`<p style="margin:0;font-size:14px;color:#5f6b7a">No funnel steps are defined yet; define them in the dashboard to see where visitors leave.</p>`
      : table(
          ["Step", "Reached", "Lost"],
          d.drops.map((s) => [`${s.from} → ${s.to}`, formatCount(s.reached), `${formatCount(s.reached - s.continued)} (${lostShare(s.lostRate)})`]),
          "Nobody entered the funnel in this period.",
        );
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light"><title>${periodTitle(d)}</title>
<style>@media (max-width:480px){.card{display:block!important;width:auto!important}}</style></head>
<body style="margin:0;padding:0;background:#f2f4f7;${FONT}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f2f4f7"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;${FONT}">
<tr><td style="padding:20px 24px 0 24px"><div style="font-size:12px;color:#5f6b7a">${d.funnel.name}</div>
<h1 style="margin:4px 0 0 0;font-size:20px;color:#101828">${periodTitle(d)}</h1>
<div style="font-size:12px;color:#5f6b7a">Times in ${d.period.tz}; compared with ${d.period.kind === "last-month" ? "the month" : "the period"} before.</div></td></tr>
<tr><td style="padding:8px 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>${cards.slice(0, 2)}</tr><tr>${cards.slice(2)}</tr></table>${
    otherCurrenciesLine(d) ? html`<div style="padding:0 12px;font-size:12px;color:#5f6b7a">${otherCurrenciesLine(d)}</div>` : ""
  }</td></tr>
${dayChart(d)}
${section("Where the funnel leaks", drops)}
${section(
  "Top sources by verified revenue",
  table(["Source", "Orders", "Verified net"], d.sources.map((s) => [sourceLabel(s.value), formatCount(s.orders), formatMoney(s.verifiedNet, d.currency)]), "No verified revenue in this period."),
)}
${section(
  "Top landing pages",
  table(["Page", "Visits", "Verified net"], d.landingPages.map((p) => [pageLabel(p.value), formatCount(p.visits), formatMoney(p.verifiedNet, d.currency)]), "No visits in this period."),
)}
${d.experiments.length
  ? section(
      "Experiments with a result",
      html`${d.experiments.map((e) => html`<p style="margin:0 0 8px 0;font-size:14px;color:#101828"><strong>${e.key}</strong>: ${outcomeSentence(e)}</p>`)}`,
    )
  : ""}
<tr><td style="padding:20px 24px">${
    d.dashboardUrl
      ? html`<a href="${d.dashboardUrl}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:10px 16px;border-radius:6px;font-size:14px">Open the dashboard for this period</a>`
      : html`<span style="font-size:12px;color:#5f6b7a">Set --public-url to get a link to the dashboard here.</span>`
  }</td></tr>
<tr><td style="padding:0 24px 20px 24px;font-size:12px;color:#5f6b7a">Sent by Aurea. ${
    unsubscribeUrl ? html`<a href="${unsubscribeUrl}" style="color:#5f6b7a">Unsubscribe from this report</a>` : ""
  }</td></tr>
</table></td></tr></table></body></html>`;
  return String(body);
}
