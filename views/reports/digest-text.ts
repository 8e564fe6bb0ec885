// The digest's text part: the same content as the HTML, for clients that show text.
import { outcomeSentence } from "../../src/experiments/outcome";
import type { DigestData } from "../../src/reports/digest-data";
import { formatCount, formatMoney, lostShare, metricLines, otherCurrenciesLine, pageLabel, periodTitle, sourceLabel, sparkline } from "./digest-format";

export function digestText(d: DigestData, unsubscribeUrl: string | null): string {
  const out: string[] = [`${d.funnel.name}`, periodTitle(d), `(times in ${d.period.tz})`, ""];
  for (const m of metricLines(d)) out.push(`${m.label}: ${m.value} (${m.change} vs ${m.previous})`);
  if (d.visitorsPerDay.length > 1) out.push(`Visitors per day: ${sparkline(d)} (${d.visitorsPerDay[0].date} to ${d.visitorsPerDay.at(-1)!.date})`);
  const others = otherCurrenciesLine(d);
  if (others) out.push(others);
  out.push("", "Where the funnel leaks:");
  if (d.drops === null) out.push("  No funnel steps are defined yet.");
  else if (!d.drops.length) out.push("  Nobody entered the funnel in this period.");
  else for (const s of d.drops) out.push(`  ${s.from} -> ${s.to}: ${formatCount(s.reached)} reached, ${formatCount(s.reached - s.continued)} lost (${lostShare(s.lostRate)})`);
  out.push("", "Top sources by verified revenue:");
  if (!d.sources.length) out.push("  No verified revenue in this period.");
  for (const s of d.sources) out.push(`  ${sourceLabel(s.value)}: ${formatMoney(s.verifiedNet, d.currency)} (${formatCount(s.orders)} orders)`);
  out.push("", "Top landing pages:");
  if (!d.landingPages.length) out.push("  No visits in this period.");
  for (const p of d.landingPages) out.push(`  ${pageLabel(p.value)}: ${formatCount(p.visits)} visits, ${formatMoney(p.verifiedNet, d.currency)}`);
  if (d.experiments.length) {
    out.push("", "Experiments with a result:");
    for (const e of d.experiments) out.push(`  ${e.key}: ${outcomeSentence(e)}`);
  }
  out.push("");
  if (d.dashboardUrl) out.push(`Dashboard for this period: ${d.dashboardUrl}`);
  if (unsubscribeUrl) out.push(`Unsubscribe from this report: ${unsubscribeUrl}`);
  return `${out.join("\n")}\n`;
}
