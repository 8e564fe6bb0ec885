// When to try a webhook delivery again. Pure: the caller passes the attempt number,
// the receiver's Retry-After (if any) and a random number.
//
// Default: 8 attempts. Retries after ~30 s, ~2 min, ~10 min, ~30 min, ~2 h, ~6 h and
// ~15 h, about 24 hours from the first attempt to the last, then the delivery is
// parked as failed. Each wait is jittered by ±15% so a receiver coming back up is
// not hit by every queued delivery in the same second.

export interface BackoffPolicy {
  /** Wait before retry k (k = 1 is the wait after the first attempt failed), in ms. */
  delaysMs: number[];
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** ±fraction of random spread on each wait. */
  jitter: number;
  /** Multiplies every wait (Retry-After too); 1 in production, tiny in tests. */
  scale: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_BACKOFF: BackoffPolicy = {
  delaysMs: [30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 15 * HOUR],
  maxAttempts: 8,
  jitter: 0.15,
  scale: 1,
};

/** The longest Retry-After we honour; a receiver asking for more gets this. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/**
 * The wait before the next attempt after `attempt` (1-based) failed, or null when
 * that was the last attempt allowed.
 */
export function nextRetryDelay(attempt: number, retryAfterMs: number | null, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random()): number | null {
  if (attempt >= policy.maxAttempts) return null;
  if (retryAfterMs !== null) return Math.round(Math.min(Math.max(retryAfterMs, SECOND), MAX_RETRY_AFTER_MS) * policy.scale);
  const base = policy.delaysMs[Math.min(attempt, policy.delaysMs.length) - 1];
  const spread = 1 + policy.jitter * (2 * random - 1);
  return Math.round(base * spread * policy.scale);
}

/**
 * Retry-After as milliseconds: either delta-seconds ("120") or an HTTP date.
 * Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * SECOND;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
