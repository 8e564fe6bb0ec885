// IANA time zones without a library: offsets, local calendar days and local midnights
// through Intl, which knows every zone's DST rules.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** A zone name Intl accepts (e.g. "Europe/Berlin", "UTC"), or null. */
export function validTimeZone(raw: string | null | undefined): string | null {
  if (!raw || raw.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(raw)) return null;
  try {
    return formatter(raw).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== "literal") out[p.type] = Number(p.value);
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

/** Milliseconds to add to UTC to get the wall clock in `tz` at instant `ms`. */
export function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (ms - (ms % 1000 + 1000) % 1000);
}

/**
 * The instant of local midnight starting the given calendar day (month 1-12; days and
 * months may overflow, Date.UTC-style). On a DST day that skips midnight, the first
 * instant of the day.
 */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  // Midnight skipped (e.g. America/Santiago): the day starts at the first hour that exists.
  const p = localParts(guess, tz);
  if (Date.UTC(p.year, p.month - 1, p.day) < wall) guess += HOUR_MS;
  return guess;
}

export function startOfLocalDay(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return localMidnight(p.year, p.month, p.day, tz);
}

/** "2026-03-29" for the local calendar day of `ms`. */
export function localDate(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

export interface OffsetSegment {
  /** The offset holds for instants before `until` (and from the previous segment's until). */
  until: number;
  offset: number;
}

/** The zone's offsets over [from, to): one segment, or more around DST changes. */
export function offsetSegments(from: number, to: number, tz: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = offsetAt(from, tz);
  let t = from;
  // Zones change offset at most a few times a year and never twice within 6 hours.
  const step = 6 * HOUR_MS;
  while (t < to) {
    const next = Math.min(t + step, to);
    const o = offsetAt(next, tz);
    if (o !== current && next < to) {
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (mid <= lo || mid >= hi) break;
        if (offsetAt(mid, tz) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ until: hi, offset: current });
      current = o;
    }
    t = next;
  }
  segments.push({ until: Number.MAX_SAFE_INTEGER, offset: current });
  return segments;
}
