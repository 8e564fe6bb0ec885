// The dashboard's date ranges in the viewer's time zone, each with the previous period
// of the same length to compare against. All ranges are [from, to) in UTC ms.
import { InvalidInput } from "../http/errors";
import { DAY_MS, HOUR_MS, localMidnight, localParts, startOfLocalDay } from "./timezone";

export const PRESETS = ["today", "yesterday", "7d", "30d", "90d", "month", "lastmonth", "custom"] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, string> = {
  today: "Today",
  yesterday: "Yesterday",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  month: "This month",
  lastmonth: "Last month",
  custom: "Custom range",
};

export const DEFAULT_PRESET: Preset = "30d";
const MAX_CUSTOM_DAYS = 2 * 366;

export interface Period {
  preset: Preset;
  /** Custom ranges: the local dates as given (inclusive). */
  fromDate: string | null;
  toDate: string | null;
  from: number;
  to: number;
  previous: { from: number; to: number };
  /** Chart buckets: hours for ranges up to two days, days beyond. */
  bucket: "hour" | "day";
  tz: string;
}

/** Ranges that reach the present end at the next whole hour: hour-aligned, and nothing later exists yet. */
function untilNow(now: number, end: number): number {
  return Math.min(end, Math.ceil((now + 1) / HOUR_MS) * HOUR_MS);
}

function parseDate(raw: string | undefined, name: string): { y: number; m: number; d: number } {
  const m = raw?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  if (!m || mo < 1 || mo > 12 || d < 1 || d > 31 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) {
    throw new InvalidInput("invalid_query", `${name}: expected a date like 2026-01-31, got "${raw ?? ""}"`);
  }
  return { y, m: mo, d };
}

export function parsePeriod(query: Record<string, string | undefined>, tz: string, now: number): Period {
  const raw = query.range ?? DEFAULT_PRESET;
  if (!(PRESETS as readonly string[]).includes(raw)) {
    throw new InvalidInput("invalid_query", `range: expected one of ${PRESETS.join(", ")}, got "${raw}"`);
  }
  const preset = raw as Preset;
  const today = localParts(now, tz);
  const todayStart = startOfLocalDay(now, tz);
  const tomorrow = localMidnight(today.year, today.month, today.day + 1, tz);
  const daysBack = (n: number) => localMidnight(today.year, today.month, today.day - n, tz);
  let from: number;
  let to: number;
  let fromDate: string | null = null;
  let toDate: string | null = null;
  switch (preset) {
    case "today": [from, to] = [todayStart, untilNow(now, tomorrow)]; break;
    case "yesterday": [from, to] = [daysBack(1), todayStart]; break;
    case "7d": [from, to] = [daysBack(6), untilNow(now, tomorrow)]; break;
    case "30d": [from, to] = [daysBack(29), untilNow(now, tomorrow)]; break;
    case "90d": [from, to] = [daysBack(89), untilNow(now, tomorrow)]; break;
    case "month": [from, to] = [localMidnight(today.year, today.month, 1, tz), untilNow(now, tomorrow)]; break;
    case "lastmonth": [from, to] = [localMidnight(today.year, today.month - 1, 1, tz), localMidnight(today.year, today.month, 1, tz)]; break;
    case "custom": {
      const a = parseDate(query.from, "from");
      const b = parseDate(query.to, "to");
      from = localMidnight(a.y, a.m, a.d, tz);
      const end = localMidnight(b.y, b.m, b.d + 1, tz);
      if (end <= from) throw new InvalidInput("invalid_query", "to: must be the same day as from or later");
      if (end - from > MAX_CUSTOM_DAYS * DAY_MS) throw new InvalidInput("invalid_query", `from/to: at most ${MAX_CUSTOM_DAYS} days`);
      to = end > now ? Math.max(from + HOUR_MS, untilNow(now, end)) : end;
      fromDate = query.from!;
      toDate = query.to!;
      break;
    }
  }
  const length = to - from;
  return { preset, fromDate, toDate, from, to, previous: { from: from - length, to: from }, bucket: length <= 2 * DAY_MS ? "hour" : "day", tz };
}

/** Bucket start instants covering [from, to): whole local hours, or local midnights. */
export function bucketStarts(period: Pick<Period, "from" | "to" | "bucket" | "tz">): number[] {
  const out: number[] = [];
  if (period.bucket === "hour") {
    for (let t = period.from; t < period.to; t += HOUR_MS) out.push(t);
    return out;
  }
  const p = localParts(period.from, period.tz);
  for (let i = 0; ; i++) {
    const t = localMidnight(p.year, p.month, p.day + i, period.tz);
    if (t >= period.to) break;
    out.push(t);
  }
  return out;
}
