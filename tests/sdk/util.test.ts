import { describe, expect, test } from "bun:test";
import { eventSchema } from "../../src/ingest/payload";
import { scriptOptions } from "../../sdk/src/script-options";
import { clip, flat, uuid } from "../../sdk/src/util";

describe("uuid", () => {
  test("is a v7 UUID, unique, and ordered by time", () => {
    const ids = Array.from({ length: 2000 }, uuid);
    expect(new Set(ids).size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = (id: string) => parseInt(id.replace("-", "").slice(0, 12), 16);
    expect(Math.abs(ms(ids[0]) - Date.now())).toBeLessThan(5000);
    for (let i = 1; i < ids.length; i++) expect(ms(ids[i])).toBeGreaterThanOrEqual(ms(ids[i - 1]));
  });
});

describe("clip", () => {
  test("cuts without leaving a lone surrogate or NUL", () => {
    const s = clip("a".repeat(9) + "😀" + "b", 10);
    expect(s).toHaveLength(10);
    expect(eventSchema.safeParse({ id: "x", type: "track", name: s }).success).toBe(true);
    expect(clip("a\u0000b")).toBe("ab");
    expect(clip(42)).toBe("42");
  });
});

describe("flat", () => {
  test("keeps strings, finite numbers and booleans; stringifies the rest; drops null", () => {
    expect(flat({ a: "x", b: 2, c: true, d: null, e: undefined, f: Number.NaN, g: { nested: 1 } as never, h: [1, 2] as never })).toEqual({
      a: "x",
      b: 2,
      c: true,
      f: "NaN",
      g: "[object Object]",
      h: "1,2",
    });
  });

  test("at most 50 keys, no key over 64 characters, long values cut", () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(flat(many))).toHaveLength(50);
    expect(flat({ ["k".repeat(65)]: 1 })).toEqual({});
    expect((flat({ v: "x".repeat(5000) }).v as string).length).toBe(1000);
  });

  test("merges into given props (attribution first)", () => {
    expect(flat({ plan: "pro" }, { utm_source: "g" })).toEqual({ utm_source: "g", plan: "pro" });
  });
});

describe("scriptOptions", () => {
  // The script tag's dataset as the browser makes it from data-* attributes (data-respect-dnt → respectDnt).
  const read = (attrs: Record<string, string>) =>
    Object.fromEntries(Object.entries(attrs).map(([name, v]) => [name.slice(5).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

  test("defaults: API at the script's origin, every capture on, debug/dnt/cookieless off", () => {
    const o = scriptOptions(read({ "data-funnel-id": "f1", "data-key": "pk_1" }), "https://stats.example.com/sdk.js?v=2");
    expect(o.funnelId).toBe("f1");
    expect(o.key).toBe("pk_1");
    expect(o.apiUrl).toBe("https://stats.example.com");
    expect(Object.values(o.capture).every((v) => v === true)).toBe(true);
    expect(!!o.debug || !!o.respectDnt || !!o.cookieless).toBe(false);
  });

  test("data-api overrides; bare attributes are on; false/0/off turn off", () => {
    const o = scriptOptions(
      read({ "data-api": "https://api.example.com", "data-debug": "", "data-cookieless": "true", "data-respect-dnt": "", "data-scroll": "false", "data-forms": "0", "data-spa": "off", "data-outbound": "", "data-keep-params": "plan, coupon" }),
      "https://cdn.example.com/sdk.js",
    );
    expect(o.apiUrl).toBe("https://api.example.com");
    expect(o.debug && o.cookieless && o.respectDnt).toBe(true);
    expect(o.capture).toMatchObject({ scroll: false, forms: false, spa: false, outbound: true });
    expect(o.keepParams).toEqual(["plan", "coupon"]);
  });
});
