import { describe, expect, test } from "bun:test";
import { BASE_DELAY_MS, MAX_DELAY_MS, parseRetryAfter, retryDelay } from "../../sdk/src/backoff";
import { bounded, MAX_QUEUE } from "../../sdk/src/queue";

describe("bounded queue", () => {
  test("keeps everything up to the bound", () => {
    const items = Array.from({ length: MAX_QUEUE }, (_, i) => i);
    expect(bounded(items)).toEqual(items);
  });

  test("drops the oldest past the bound", () => {
    const items = Array.from({ length: MAX_QUEUE + 25 }, (_, i) => i);
    const kept = bounded(items);
    expect(kept).toHaveLength(MAX_QUEUE);
    expect(kept[0]).toBe(25);
    expect(kept.at(-1)).toBe(MAX_QUEUE + 24);
  });

  test("the bound is about 500", () => {
    expect(MAX_QUEUE).toBe(500);
    expect(bounded([1, 2, 3])).toEqual([1, 2, 3]);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  test.each([
    [null, undefined],
    ["", undefined],
    ["5", 5000],
    ["0", 0],
    ["1.5", 1500],
    ["Thu, 01 Jan 2026 00:00:30 GMT", 30_000],
    ["Wed, 31 Dec 2025 23:00:00 GMT", 0],
    ["soon", undefined],
  ])("%p → %p ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("retryDelay", () => {
  test("doubles per attempt between half and all of the step", () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const step = BASE_DELAY_MS * 2 ** attempt;
      expect(retryDelay(attempt, null, () => 0)).toBe(step / 2);
      expect(retryDelay(attempt, null, () => 0.999999)).toBeCloseTo(step, -1);
    }
  });

  test("is capped", () => {
    expect(retryDelay(30, null, () => 1)).toBe(MAX_DELAY_MS);
    expect(retryDelay(1000, null, () => 1)).toBe(MAX_DELAY_MS);
  });

  test("jitter spreads clients", () => {
    const seen = new Set(Array.from({ length: 50 }, () => retryDelay(3)));
    expect(seen.size).toBeGreaterThan(10);
  });

  test("never retries sooner than Retry-After", () => {
    expect(retryDelay(0, "5", () => 0)).toBe(5000);
    expect(retryDelay(0, "5", () => 0.5)).toBe(5500);
    expect(retryDelay(6, "2", () => 0)).toBe(2000);
  });
});
