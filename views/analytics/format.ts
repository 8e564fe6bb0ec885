// How numbers, times and dimension values read on the analytics pages.
import { fromMinorUnits } from "../../src/pipeline/money";
import type { DimensionKey } from "../../src/analytics/dimensions";
import type { Revenue } from "../../src/analytics/tally";
import { formatCount, formatRevenue } from "../components";
import { html, type SafeHtml } from "../html";

export { formatCount };

export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toFixed(digits).replace(/\.0+$/, "")}%`;
}

/** 754 s → "12m 34s"; 3700 s → "1h 1m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Minor units per currency (all, or only verified / unverified) → "€12.50 · $3.00". */
export function formatMinor(revenue: Revenue, which: "all" | "verified" | "unverified" = "all"): string {
  const major: Record<string, number> = {};
  for (const [c, r] of Object.entries(revenue)) {
    const minor = which === "all" ? r.verified + r.unverified : r[which];
    if (minor) major[c] = fromMinorUnits(minor, c);
  }
  return formatRevenue(major);
}

/** "$35,670" (rounded to whole units), for narrow columns. */
export function formatMoneyWhole(minor: number, currency: string): string {
  const major = fromMinorUnits(minor, currency);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(major);
  } catch {
    return `${Math.round(major)} ${currency}`;
  }
}

export function formatMoney(minor: number, currency: string): string {
  return formatRevenue({ [currency]: fromMinorUnits(minor, currency) });
}

const dateTime = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tz}|${JSON.stringify(opts)}`;
  let f = dateTime.get(key);
  if (!f) dateTime.set(key, (f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, ...opts })));
  return f;
}

/**
 * "29 Mar 2026, 14:05" (24-hour), the one date-time format of the dashboard; app.js
 * draws <time data-local> the same way (DATE_TIME there).
 */
export function formatDateTime(ms: number, tz: string): string {
  return formatter(tz, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

/** "29 Mar 2026" */
export function formatDate(ms: number, tz: string): string {
  return formatter(tz, { day: "numeric", month: "short", year: "numeric" }).format(ms);
}

/** "14:05:09" */
export function formatClock(ms: number, tz: string): string {
  return formatter(tz, { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ms);
}

/** "29 Mar" */
export function formatDay(ms: number, tz: string): string {
  return formatter(tz, { day: "numeric", month: "short" }).format(ms);
}

/** "Sun 29 Mar 2026" */
export function formatLongDay(ms: number, tz: string): string {
  return formatter(tz, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(ms);
}

/** "14:00" */
export function formatHour(ms: number, tz: string): string {
  return formatter(tz, { hour: "2-digit", minute: "2-digit" }).format(ms);
}

/** Today "14:05:09", otherwise "29 Mar, 14:05". */
export function formatWhen(ms: number, tz: string, now: number): string {
  const day = formatter(tz, { year: "numeric", month: "2-digit", day: "2-digit" });
  return day.format(ms) === day.format(now) ? formatClock(ms, tz) : formatter(tz, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(ms);
}

let regionNames: Intl.DisplayNames | null = null;
export function countryName(code: string | null | undefined): string {
  if (!code) return "Unknown";
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The country code as a small badge (flag emoji do not render on Windows or in many fonts). */
export function flag(code: string | null | undefined): SafeHtml {
  if (!code || !/^[A-Z]{2}$/.test(code)) return html``;
  return html`<span class="cc" aria-hidden="true">${code}</span>`;
}

const NONE: Partial<Record<DimensionKey, string>> = {
  referrer: "Direct / none",
  source: "(no UTM source)",
  medium: "(no UTM medium)",
  campaign: "(no campaign)",
  term: "(no term)",
  content: "(no content)",
  channel: "(unknown)",
  country: "Unknown",
  region: "Unknown",
  city: "Unknown",
  page: "(no path)",
  entry: "(no page view)",
  exit: "(no page view)",
};

/** What a dimension value shows as (values are plain text; the caller escapes). */
export function valueLabel(dim: DimensionKey, value: string): string {
  if (value === "") return NONE[dim] ?? "(none)";
  if (dim === "country") return countryName(value);
  if (dim === "region" || dim === "city") {
    const parts = value.split("\x1f");
    const country = parts[0];
    const rest = parts.slice(1).filter(Boolean);
    return `${[...rest].reverse().join(", ")}${country ? `, ${country}` : ""}`;
  }
  if (dim === "device") return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}
