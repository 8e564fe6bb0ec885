// The SDK's deterministic assignment: stable per visitor, spread by weight, and the
// split-URL helpers.
import { describe, expect, test } from "bun:test";
import { bucketOf, pageKey, pick, redirectTarget, type ConfigExperiment } from "../../sdk/src/experiments/assign";

const exp = (over: Partial<ConfigExperiment> = {}): ConfigExperiment => ({
  key: "headline", variants: [{ name: "a", weight: 20 }, { name: "b", weight: 30 }, { name: "c", weight: 50 }], status: "running", winner: null, splitUrls: {}, ...over,
});

describe("assignment", () => {
  test("the same visitor always gets the same variant; another experiment is independent", () => {
    const id = "0190d5a4-1c2b-7000-8000-0123456789ab";
    expect(pick(exp(), id)).toEqual(pick(exp(), id));
    const other = Array.from({ length: 200 }, (_, i) => `visitor-${i}`).filter((v) => pick(exp(), v).name !== pick(exp({ key: "price" }), v).name);
    expect(other.length).toBeGreaterThan(50);
  });

  test("20,000 visitors follow the weights: each count within 4.5 binomial sd", () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 20_000;
    // UUIDv7-like ids made in the same millisecond share their first 12 hex digits, as in real traffic.
    for (let i = 0; i < n; i++) counts[pick(exp(), `0190d5a4-1c2b-7${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}`).name]++;
    for (const v of exp().variants) {
      const p = v.weight / 100;
      expect(Math.abs(counts[v.name] - n * p)).toBeLessThanOrEqual(4.5 * Math.sqrt(n * p * (1 - p)));
    }
    expect(bucketOf("x")).toBeGreaterThanOrEqual(0);
    expect(bucketOf("x")).toBeLessThan(100);
  });

  test("no visitor: the control, not assigned; stopped: the winner for everyone, not assigned", () => {
    expect(pick(exp(), "")).toEqual({ name: "a", assigned: false });
    expect(pick(exp({ status: "stopped", winner: "c" }), "anyone")).toEqual({ name: "c", assigned: false });
  });
});

describe("split URLs", () => {
  test("pages compare by origin and path; the redirect keeps the query and fragment", () => {
    expect(pageKey("https://shop.example/offer/?utm_source=x")).toBe(pageKey("https://shop.example/offer"));
    expect(pageKey("https://shop.example/")).toBe("https://shop.example");
    expect(redirectTarget("https://shop.example/offer-b", "https://shop.example/offer?utm_source=news&utm_campaign=spring#faq")).toBe(
      "https://shop.example/offer-b?utm_source=news&utm_campaign=spring#faq",
    );
    expect(redirectTarget("https://shop.example/b?ref=1", "https://shop.example/a")).toBe("https://shop.example/b?ref=1");
  });
});
