import { describe, expect, test } from "bun:test";
import { DEFAULT_BACKOFF, MAX_RETRY_AFTER_MS, nextRetryDelay, parseRetryAfter } from "../../src/automations/backoff";

const S = 1000;

describe("retry schedule", () => {
  test("first retry within about 30 s, second within about 2 minutes", () => {
    for (const r of [0, 0.5, 1]) {
      const first = nextRetryDelay(1, null, DEFAULT_BACKOFF, r)!;
      expect(first).toBeGreaterThanOrEqual(25 * S);
      expect(first).toBeLessThanOrEqual(35 * S);
      const second = nextRetryDelay(2, null, DEFAULT_BACKOFF, r)!;
      expect(second).toBeGreaterThanOrEqual(100 * S);
      expect(second).toBeLessThanOrEqual(140 * S);
    }
  });

  test("8 attempts spread over about 24 hours, then give up", () => {
    let total = 0;
    let attempts = 1;
    for (;;) {
      const d = nextRetryDelay(attempts, null, DEFAULT_BACKOFF, 0.5);
      if (d === null) break;
      total += d;
      attempts++;
    }
    expect(attempts).toBe(8);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThanOrEqual(24);
  });

  test("waits grow and are jittered", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((a) => nextRetryDelay(a, null, DEFAULT_BACKOFF, 0.5)!);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
    expect(nextRetryDelay(1, null, DEFAULT_BACKOFF, 0)).not.toBe(nextRetryDelay(1, null, DEFAULT_BACKOFF, 1));
  });

  test("Retry-After is honoured, within [1 s, 24 h]", () => {
    expect(nextRetryDelay(1, 90 * S)).toBe(90 * S);
    expect(nextRetryDelay(1, 0)).toBe(S);
    expect(nextRetryDelay(1, 10 * 86_400_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(nextRetryDelay(8, 5 * S)).toBeNull();
  });

  test("scale compresses every wait (tests)", () => {
    const fast = { ...DEFAULT_BACKOFF, scale: 0.001 };
    expect(nextRetryDelay(1, null, fast, 0.5)).toBe(30);
    expect(nextRetryDelay(1, 2 * S, fast)).toBe(2);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  test.each([
    ["120", 120 * S],
    [" 5 ", 5 * S],
    ["Sun, 01 Mar 2026 12:01:00 GMT", 60 * S],
    ["Sun, 01 Mar 2026 11:00:00 GMT", 0],
    ["soon", null],
    ["", null],
    [null, null],
  ] as const)("%p → %p", (raw, expected) => {
    expect(parseRetryAfter(raw, now)).toBe(expected);
  });
});
