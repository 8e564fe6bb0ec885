import { describe, expect, test } from "bun:test";
import { Lru } from "../../src/enrich/lru.ts";

describe("Lru", () => {
  test("evicts the least recently used entry", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now most recent
    lru.set("c", 3);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    expect(lru.get("c")).toBe(3);
    expect(lru.size).toBe(2);
  });

  test("overwriting a key refreshes it without growing", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("a", 10);
    lru.set("c", 3);
    expect(lru.get("a")).toBe(10);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.size).toBe(2);
  });

  test("stores falsy values and undefined-looking keys", () => {
    const lru = new Lru<string | number, unknown>(3);
    lru.set(0, false);
    lru.set("", 0);
    lru.set("__proto__", null);
    expect(lru.get(0)).toBe(false);
    expect(lru.get("")).toBe(0);
    expect(lru.get("__proto__")).toBeNull();
    expect(lru.get("missing")).toBeUndefined();
  });

  test("rejects a non-positive size", () => {
    expect(() => new Lru(0)).toThrow();
    expect(() => new Lru(1.5)).toThrow();
  });
});
