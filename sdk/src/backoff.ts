// Exponential backoff with jitter that never retries sooner than Retry-After asks.
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 60_000;

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const ms = value ? (+value >= 0 ? +value * 1000 : Date.parse(value) - now) : NaN;
  if (ms === ms) return Math.max(0, ms);
}

/**
 * Delay before retry number `attempt` (0-based): between half and all of base·2^attempt,
 * capped; when the server sent Retry-After, that wait plus up to a second of jitter.
 */
export function retryDelay(attempt: number, retryAfter?: string | null, random = Math.random, now = Date.now()): number {
  const asked = parseRetryAfter(retryAfter, now);
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return asked === undefined ? (exp / 2) * (1 + random()) : asked + random() * BASE_DELAY_MS;
}
