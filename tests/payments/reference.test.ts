// The checkout reference: what the SDK makes, the server reads back; anything else is no visit.
import { describe, expect, test } from "bun:test";
import { decodeReference, encodeReference } from "../../src/payments/reference";
import { reference } from "../../sdk/src/checkout";

const a = "0192f3a4-5b6c-7d8e-9f01-23456789abcd";
const s = "0192f3a4-ffff-7000-8000-000000000001";

describe("checkout reference", () => {
  test("round trip; short and URL-safe; the SDK makes the same value", () => {
    const ref = encodeReference({ anonymousId: a, sessionId: s })!;
    expect(ref).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(decodeReference(ref)).toEqual({ anonymousId: a, sessionId: s });
    expect(reference({ a, s: { i: s } })).toBe(ref);
  });

  test("the SDK gives nothing without a stable visitor or a session", () => {
    expect(reference(false)).toBe("");
    expect(reference({ a })).toBe("");
  });

  test("garbage decodes to null", () => {
    for (const bad of [null, undefined, "", "abc", "x".repeat(64), `${"a".repeat(63)}`, `${"a".repeat(65)}`, "A".repeat(64), "<script>", `${"0".repeat(32)}-${"0".repeat(31)}`]) {
      expect(decodeReference(bad as string | null)).toBeNull();
    }
    expect(encodeReference({ anonymousId: "h_abc", sessionId: s })).toBeNull();
  });
});
