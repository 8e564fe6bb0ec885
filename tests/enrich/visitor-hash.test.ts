import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { visitorHash } from "../../src/enrich/visitor-hash.ts";

const UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

describe("visitorHash", () => {
  test("shape: h_ and 32 lowercase hex characters", () => {
    expect(visitorHash("salt-2024-06-01", "fn_1", "81.2.69.160", UA)).toMatch(/^h_[0-9a-f]{32}$/);
  });

  test("is SHA-256 of the JSON-encoded parts", () => {
    const expected = createHash("sha256").update(JSON.stringify(["s", "f", "1.2.3.4", UA])).digest("hex").slice(0, 32);
    expect(visitorHash("s", "f", "1.2.3.4", UA)).toBe("h_" + expected);
  });

  test("deterministic", () => {
    expect(visitorHash("s", "f", "1.2.3.4", UA)).toBe(visitorHash("s", "f", "1.2.3.4", UA));
  });

  test.each<[string, [string, string, string, string]]>([
    ["another day's salt", ["s2", "f", "1.2.3.4", UA]],
    ["another funnel", ["s", "f2", "1.2.3.4", UA]],
    ["another IP", ["s", "f", "1.2.3.5", UA]],
    ["another user agent", ["s", "f", "1.2.3.4", UA + " "]],
  ])("changes with %s", (_label, parts) => {
    expect(visitorHash(...parts)).not.toBe(visitorHash("s", "f", "1.2.3.4", UA));
  });

  test("part boundaries cannot be shifted", () => {
    expect(visitorHash("a|b", "c", "1.2.3.4", UA)).not.toBe(visitorHash("a", "b|c", "1.2.3.4", UA));
    expect(visitorHash("a", "b", "1.2.3.4", UA)).not.toBe(visitorHash("ab", "", "1.2.3.4", UA));
    expect(visitorHash('a","b', "c", "1.2.3.4", UA)).not.toBe(visitorHash("a", 'b","c', "1.2.3.4", UA));
    expect(visitorHash("a\u0000", "b", "1.2.3.4", UA)).not.toBe(visitorHash("a", "\u0000b", "1.2.3.4", UA));
  });
});
