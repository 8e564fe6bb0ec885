// Date ranges from query strings: ISO dates/times or epoch milliseconds, [from, to).
import { InvalidInput } from "../http/errors";

export interface Range {
  from: number;
  to: number;
}

const DAY = 86_400_000;

export function parseTime(raw: string, name: string, endOfDay = false): number {
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
  const ms = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isNaN(ms)) throw new InvalidInput("invalid_query", `${name}: expected an ISO date (2026-01-31), date-time, or milliseconds, got "${raw}"`);
  return dateOnly && endOfDay ? ms + DAY : ms;
}

/** Default: the last 30 days up to now. A date-only `to` includes that whole day. */
export function parseRange(query: Record<string, string | undefined>, now: number): Range {
  const to = query.to ? parseTime(query.to, "to", true) : now;
  const from = query.from ? parseTime(query.from, "from") : to - 30 * DAY;
  if (from >= to) throw new InvalidInput("invalid_query", "from: must be before to");
  return { from, to };
}

export function parseLimit(raw: string | undefined, fallback = 100, max = 1000): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidInput("invalid_query", `limit: expected a whole number from 1 to ${max}`);
  return n;
}
