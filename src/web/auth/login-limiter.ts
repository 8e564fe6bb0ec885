// Slows password guessing without locking anyone out for good. Failed sign-ins are
// counted per key (an IP, an account, a known device); the first few are free, then
// each attempt must wait a growing delay after the last failure (2 s, 4 s, 8 s … up to
// 15 minutes). A key forgets after an hour without failures. IPs and devices are held
// in memory, bounded (least recently used go first); accounts in a table, so the delay
// survives a restart and `aurea user unlock` can clear it.
import { Lru } from "../../enrich/lru";

export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
}

export interface ThrottleStore {
  get(key: string): ThrottleState | null;
  set(key: string, state: ThrottleState): void;
  delete(key: string): void;
}

export class MemoryThrottleStore implements ThrottleStore {
  private lru: Lru<string, ThrottleState>;
  constructor(maxKeys = 50_000) {
    this.lru = new Lru(maxKeys);
  }
  get(key: string) {
    return this.lru.get(key) ?? null;
  }
  set(key: string, state: ThrottleState) {
    this.lru.set(key, state);
  }
  delete(key: string) {
    this.lru.delete(key);
  }
  get size() {
    return this.lru.size;
  }
}

export interface LoginLimiterOptions {
  /** Failures without any delay. */
  freeFailures?: number;
  maxDelayMs?: number;
  /** A key without failures for this long starts afresh. */
  forgetAfterMs?: number;
  now?: () => number;
  /** Where "account:…" keys live (default: memory, like the others). */
  accountStore?: ThrottleStore;
  memoryStore?: ThrottleStore;
}

export class LoginLimiter {
  private readonly freeFailures: number;
  private readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly now: () => number;
  private readonly accounts: ThrottleStore;
  private readonly memory: ThrottleStore;

  constructor(opts: LoginLimiterOptions = {}) {
    this.freeFailures = opts.freeFailures ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 15 * 60 * 1000;
    this.forgetAfterMs = opts.forgetAfterMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
    this.memory = opts.memoryStore ?? new MemoryThrottleStore();
    this.accounts = opts.accountStore ?? this.memory;
  }

  /** How long after the last of `failures` failures the next attempt must wait. */
  delayMs(failures: number): number {
    if (failures < this.freeFailures) return 0;
    return Math.min(this.maxDelayMs, 1000 * 2 ** (failures - this.freeFailures + 1));
  }

  /** Seconds until another attempt is allowed for all of the keys, or 0. */
  blockedFor(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const s = this.current(key, now);
      if (s) wait = Math.max(wait, s.lastFailureAt + this.delayMs(s.failures) - now);
    }
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  fail(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const s = this.current(key, now);
      this.store(key).set(key, { failures: (s?.failures ?? 0) + 1, lastFailureAt: now });
    }
  }

  /** A successful sign-in clears these keys (the account's and the device's, never the IP's). */
  succeed(...keys: string[]): void {
    for (const key of keys) this.store(key).delete(key);
  }

  private store(key: string): ThrottleStore {
    return key.startsWith("account:") ? this.accounts : this.memory;
  }

  private current(key: string, now: number): ThrottleState | null {
    const s = this.store(key).get(key);
    if (s && now - s.lastFailureAt > this.forgetAfterMs) {
      this.store(key).delete(key);
      return null;
    }
    return s;
  }
}
