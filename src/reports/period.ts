// The periods a digest covers, in the funnel's time zone: last week (Monday to Monday),
// last month, or explicit local dates; each with the period it is compared against;
// and when the next scheduled digest is due (Monday 09:00, the 1st at 09:00 local).
import { localDate, localMidnight, localParts, offsetAt } from "../analytics/timezone";

export const CADENCES = ["weekly", "monthly"] as const;
export type Cadence = (typeof CADENCES)[number];

export interface DigestPeriod {
  /** "last-week", "last-month" or "custom". */
  kind: "last-week" | "last-month" | "custom";
  from: number;
  to: number;
  previous: { from: number; to: number };
  /** Local dates, both inclusive. */
  fromDate: string;
  toDate: string;
  tz: string;
}

const SEND_HOUR = 9;

export class PeriodError extends Error {}

/** The instant the local wall clock in tz shows y-m-d h:00 (months and days may overflow). */
export function localTime(year: number, month: number, day: number, hour: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  return guess;
}

function make(kind: DigestPeriod["kind"], from: number, to: number, previous: { from: number; to: number }, tz: string): DigestPeriod {
  return { kind, from, to, previous, fromDate: localDate(from, tz), toDate: localDate(to - 1, tz), tz };
}

/** Local weekday, Monday = 0. */
function weekdayIndex(y: number, m: number, d: number): number {
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** The whole local week (Monday 00:00 to Monday 00:00) before the one `now` is in. */
export function lastWeek(now: number, tz: string): DigestPeriod {
  const p = localParts(now, tz);
  const monday = p.day - weekdayIndex(p.year, p.month, p.day);
  const at = (offsetDays: number) => localMidnight(p.year, p.month, monday + offsetDays, tz);
  return make("last-week", at(-7), at(0), { from: at(-14), to: at(-7) }, tz);
}

/** The whole local calendar month before the one `now` is in, against the month before it. */
export function lastMonth(now: number, tz: string): DigestPeriod {
  const p = localParts(now, tz);
  const at = (months: number) => localMidnight(p.year, p.month + months, 1, tz);
  return make("last-month", at(-1), at(0), { from: at(-2), to: at(-1) }, tz);
}

function parseDate(raw: string): { y: number; m: number; d: number } {
  const match = raw.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const [y, m, d] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  if (!match || m < 1 || m > 12 || d < 1 || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) {
    throw new PeriodError(`--period: "${raw}" is not a date like 2026-01-31`);
  }
  return { y, m, d };
}

/** YYYY-MM-DD..YYYY-MM-DD, both days included, against as many days just before. */
export function customPeriod(raw: string, tz: string): DigestPeriod {
  const [a, b, extra] = raw.split("..");
  if (!a || !b || extra !== undefined) throw new PeriodError(`--period: expected last-week, last-month or YYYY-MM-DD..YYYY-MM-DD, got "${raw}"`);
  const s = parseDate(a);
  const e = parseDate(b);
  const days = Math.round((Date.UTC(e.y, e.m - 1, e.d) - Date.UTC(s.y, s.m - 1, s.d)) / 86_400_000) + 1;
  if (days < 1) throw new PeriodError(`--period: ${b} is before ${a}`);
  if (days > 366) throw new PeriodError("--period: at most 366 days");
  const at = (offsetDays: number) => localMidnight(s.y, s.m, s.d + offsetDays, tz);
  return make("custom", at(0), at(days), { from: at(-days), to: at(0) }, tz);
}

export function parseDigestPeriod(raw: string, now: number, tz: string): DigestPeriod {
  if (raw === "last-week") return lastWeek(now, tz);
  if (raw === "last-month") return lastMonth(now, tz);
  return customPeriod(raw, tz);
}

/** The period a scheduled digest due at `runAt` reports on. */
export function periodFor(cadence: Cadence, runAt: number, tz: string): DigestPeriod {
  return cadence === "weekly" ? lastWeek(runAt, tz) : lastMonth(runAt, tz);
}

/** The first scheduled send time strictly after `after`: Monday 09:00 or the 1st at 09:00, local. */
export function nextRunAt(cadence: Cadence, after: number, tz: string): number {
  const p = localParts(after, tz);
  if (cadence === "weekly") {
    const monday = p.day - weekdayIndex(p.year, p.month, p.day);
    for (let w = 0; ; w += 7) {
      const t = localTime(p.year, p.month, monday + w, SEND_HOUR, tz);
      if (t > after) return t;
    }
  }
  for (let m = 0; ; m++) {
    const t = localTime(p.year, p.month + m, 1, SEND_HOUR, tz);
    if (t > after) return t;
  }
}
