// How a digest's numbers read, shared by its HTML and text parts.
import { fromMinorUnits } from "../../src/pipeline/money";
import { formatCount, formatPercent } from "../analytics/format";
import type { DigestData, Metric } from "../../src/reports/digest-data";

export interface MetricLine {
  label: string;
  value: string;
  previous: string;
  /** "+12%", "−5%", "new", "no change", or "—" when both are zero. */
  change: string;
  /** up | down | flat: how the change should be coloured. */
  trend: "up" | "down" | "flat";
}

export function changeOf(m: Metric): Pick<MetricLine, "change" | "trend"> {
  if (m.current === m.previous) return { change: m.current === 0 ? "—" : "no change", trend: "flat" };
  if (m.previous === 0) return { change: "new", trend: "up" };
  const ratio = (m.current - m.previous) / Math.abs(m.previous);
  const pct = Math.round(ratio * 100);
  if (pct === 0) return { change: ratio > 0 ? "+<1%" : "−<1%", trend: "flat" };
  return { change: `${pct > 0 ? "+" : "−"}${Math.abs(pct)}%`, trend: pct > 0 ? "up" : "down" };
}

export function metricLines(d: DigestData): MetricLine[] {
  const money = (minor: number) => formatMoney(minor, d.currency);
  const line = (label: string, m: Metric, fmt: (n: number) => string): MetricLine => ({ label, value: fmt(m.current), previous: fmt(m.previous), ...changeOf(m) });
  return [
    line("Visitors", d.visitors, formatCount),
    line("Conversions", d.conversions, formatCount),
    line("Verified net revenue", d.verifiedNet, money),
    line("Revenue per visitor", d.revenuePerVisitor, money),
  ];
}

export function periodTitle(d: DigestData): string {
  const span = d.period.fromDate === d.period.toDate ? d.period.fromDate : `${d.period.fromDate} to ${d.period.toDate}`;
  const what = d.period.kind === "last-week" ? "Weekly report" : d.period.kind === "last-month" ? "Monthly report" : "Report";
  return `${what}: ${span}`;
}

export function subjectOf(d: DigestData): string {
  const net = formatMoney(d.verifiedNet.current, d.currency);
  return `${d.funnel.name}: ${net} verified, ${formatCount(d.visitors.current)} visitors (${periodTitle(d).replace(/^[^:]+: /, "")})`;
}

/** Minor units → "$1,234.50" (zero included: a digest says "$0.00", not a dash). */
export function formatMoney(minor: number, currency: string): string {
  const major = fromMinorUnits(Math.round(minor), currency);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(major);
  } catch {
    return `${major} ${currency}`;
  }
}

/** "Also verified: $100.00 (USD), ¥500 (JPY)", or null when all revenue is in the main currency. */
export function otherCurrenciesLine(d: DigestData): string | null {
  const parts = d.otherCurrencies.filter((o) => o.verifiedNet !== 0).map((o) => `${formatMoney(o.verifiedNet, o.currency)} (${o.currency})`);
  return parts.length ? `Also verified, in other currencies (not converted): ${parts.join(", ")}` : null;
}

export const lostShare = (rate: number) => formatPercent(rate, 0);
export const sourceLabel = (v: string) => v || "(no visit)";
export const pageLabel = (v: string) => v || "(none)";
export { formatCount };

/** Bar heights 0-1 of the visitors-per-day chart (the busiest day is 1). */
export function dayShares(d: DigestData): { date: string; visitors: number; share: number }[] {
  const max = Math.max(0, ...d.visitorsPerDay.map((p) => p.visitors));
  return d.visitorsPerDay.map((p) => ({ ...p, share: max ? p.visitors / max : 0 }));
}

/** The same chart in text: one block character per day, "▁" to "█". */
export function sparkline(d: DigestData): string {
  const blocks = "▁▂▃▄▅▆▇█";
  return dayShares(d).map((p) => blocks[Math.round(p.share * (blocks.length - 1))]).join("");
}
