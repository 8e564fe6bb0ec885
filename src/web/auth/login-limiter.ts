// Failed logins per IP and per account in a sliding window; past the limit the
// login form answers 429 until the window has moved on. In memory: a restart
// forgets, which is fine for slowing down password guessing.

export interface LoginLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
  maxKeys?: number;
}

export class LoginLimiter {
  private failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(opts: LoginLimiterOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 15 * 60 * 1000;
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 50_000;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until another attempt is allowed for any of the keys, or 0. */
  blockedFor(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const list = this.recent(key, now);
      if (list.length >= this.maxFailures) {
        const oldestThatCounts = list[list.length - this.maxFailures];
        wait = Math.max(wait, Math.ceil((oldestThatCounts + this.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  fail(keys: string[]): void {
    const now = this.now();
    if (this.failures.size >= this.maxKeys) this.sweep(now);
    for (const key of keys) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
  }

  /** A successful login clears the account's count (not the IP's). */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    if (this.failures.size >= this.maxKeys) this.failures.clear();
  }
}
