import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import {
  describeErrorPath, eventMatchesStep, isPassiveEvent, parseSteps, parseWindow, stepSqlFilter, type Step,
} from "../../src/funnels/steps-definition";

const EXAMPLE = {
  window: "7d",
  order: "sequential",
  steps: [
    { name: "Landing", page: "/" },
    { name: "Pricing", page: "/pricing*" },
    { name: "Checkout", event: "checkout_initiated" },
    { name: "Purchase", event: "purchase", where: { plan: "pro" } },
  ],
};

const errorsOf = (json: unknown) => {
  const r = parseSteps(json);
  if (r.ok) throw new Error("expected errors");
  return r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe("parseSteps", () => {
  test("the issue's example parses", () => {
    const r = parseSteps(EXAMPLE);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual({ ...EXAMPLE, windowMs: 7 * 86_400_000 } as never);
  });

  test("window and order have defaults", () => {
    const r = parseSteps({ steps: EXAMPLE.steps.slice(0, 2) });
    expect(r.ok && [r.value.window, r.value.order, r.value.windowMs]).toEqual(["7d", "sequential", 604_800_000]);
  });

  const bad: [string, unknown, string][] = [
    ["an unclosed class", { steps: [{ name: "A", page: "/" }, { name: "B", page: "/" }, { name: "C", page: "/a[" }] }, 'steps[2].page: pattern "/a[" does not parse'],
    ["a pattern without a leading slash", { steps: [{ name: "A", page: "pricing" }, { name: "B", page: "/" }] }, 'steps[0].page: pattern "pricing" must start with "/"'],
    ["a step with neither page nor event", { steps: [{ name: "A", page: "/" }, { name: "B" }] }, "steps[1].page: a step needs a page pattern"],
    ["a step with both", { steps: [{ name: "A", page: "/" }, { name: "B", page: "/b", event: "x" }] }, "steps[1].event: a step has either page or event, not both"],
    ["an empty name", { steps: [{ name: " ", page: "/" }, { name: "B", page: "/b" }] }, "steps[0].name: must not be empty"],
    ["a missing name", { steps: [{ page: "/" }, { name: "B", page: "/b" }] }, "steps[0].name: is required"],
    ["one step", { steps: [{ name: "A", page: "/" }] }, "steps: must have at least 2 steps"],
    ["21 steps", { steps: Array.from({ length: 21 }, (_, i) => ({ name: `S${i}`, page: "/" })) }, "steps: must have at most 20 steps"],
    ["a bad window", { window: "7 days", steps: EXAMPLE.steps }, 'window: "7 days" is not a window'],
    ["a window too long", { window: "91d", steps: EXAMPLE.steps }, 'window: "91d" is longer than 90d'],
    ["a window too short", { window: "0m", steps: EXAMPLE.steps }, "window: must be at least 1m"],
    ["a bad order", { order: "loose", steps: EXAMPLE.steps }, 'order: must be "sequential" or "strict"'],
    ["an unknown special event", { steps: [{ name: "A", page: "/" }, { name: "B", event: "$purchase" }] }, 'steps[1].event: "$purchase" is not a known special value'],
    ["a nested where value", { steps: [{ name: "A", page: "/" }, { name: "B", event: "buy", where: { plan: { a: 1 } } }] }, "steps[1].where.plan: must be a string, number or boolean"],
    ["an unknown step key", { steps: [{ name: "A", path: "/" }, { name: "B", page: "/" }] }, 'steps[0]: unknown key "path"'],
    ["an unknown top-level key", { ...EXAMPLE, steps_: [] }, '(body): unknown key "steps_"'],
    ["not an object", [1, 2], "(body): must be an object"],
    ["a backwards range", { steps: [{ name: "A", page: "/[z-a]" }, { name: "B", page: "/" }] }, 'steps[0].page: pattern "/[z-a]" does not parse: range "z-a" is backwards'],
  ];
  for (const [name, json, expected] of bad) {
    test(`rejects ${name}`, () => expect(errorsOf(json).some((m) => m.startsWith(expected))).toBe(true));
  }

  test("every problem is reported at once", () => {
    const errs = errorsOf({ window: "x", steps: [{ name: "A", page: "/a[" }, { name: "", event: "$nope" }] });
    expect(errs.map((e) => e.split(":")[0])).toEqual(["window", "steps[0].page", "steps[1].name", "steps[1].event"]);
  });

  test("describeErrorPath names the step for people", () => {
    expect(describeErrorPath("steps[2].page", EXAMPLE)).toBe('Step 3 "Checkout" page');
    expect(describeErrorPath("window", EXAMPLE)).toBe("window");
  });

  test("parseWindow", () => {
    expect([parseWindow("30m"), parseWindow("12h"), parseWindow("7d"), parseWindow("7w")]).toEqual([1_800_000, 43_200_000, 604_800_000, null]);
  });
});

describe("eventMatchesStep", () => {
  const pv = (path: string | null) => ({ type: "page_view", name: "page_view", path, props: null });
  const ev = (type: string, name: string, props: Record<string, unknown> | null = null) => ({ type, name, path: "/x", props });
  const pages: [string, string, boolean][] = [
    ["/pricing", "/pricing", true], ["/pricing", "/pricing/", true], ["/pricing", "/pricing/team", false], ["/pricing", "/Pricing", false],
    ["/blog/*", "/blog/a/b", true], ["/blog/*", "/blog/", true], ["/blog/*", "/blog", false], ["/blog*", "/blog", true],
    ["/pricing*", "/pricing-team", true], ["/p?ge", "/page", true], ["/p?ge", "/pge", false], ["/item/[0-9]*", "/item/42", true],
    ["/item/[0-9]*", "/item/x", false], ["/[!a]x", "/bx", true], ["/\\*", "/*", true], ["/\\*", "/a", false], ["*/thank-you", "/en/thank-you", true],
    ["/", "/", true], ["/", "/home", false], ["/ü*", "/über", true],
  ];
  for (const [pattern, path, want] of pages) {
    test(`page ${pattern} vs ${path}: ${want}`, () => expect(eventMatchesStep(pv(path), { name: "s", page: pattern })).toBe(want));
  }
  test("page steps need a page view with a path", () => {
    expect(eventMatchesStep({ ...pv("/"), type: "track" }, { name: "s", page: "/" })).toBe(false);
    expect(eventMatchesStep(pv(null), { name: "s", page: "*" })).toBe(false);
  });
  test("event steps match the name, with globs", () => {
    expect(eventMatchesStep(ev("track", "checkout_initiated"), { name: "s", event: "checkout_initiated" })).toBe(true);
    expect(eventMatchesStep(ev("track", "checkout_started"), { name: "s", event: "checkout_*" })).toBe(true);
    expect(eventMatchesStep(ev("conversion", "purchase"), { name: "s", event: "checkout_*" })).toBe(false);
  });
  test("$conversion matches any conversion", () => {
    expect(eventMatchesStep(ev("conversion", "ebook"), { name: "s", event: "$conversion" })).toBe(true);
    expect(eventMatchesStep(ev("track", "purchase"), { name: "s", event: "$conversion" })).toBe(false);
  });
  test("where: every condition, compared as text", () => {
    const step: Step = { name: "s", event: "purchase", where: { plan: "pro", seats: 5, annual: true } };
    expect(eventMatchesStep(ev("conversion", "purchase", { plan: "pro", seats: 5, annual: true }), step)).toBe(true);
    expect(eventMatchesStep(ev("conversion", "purchase", { plan: "pro", seats: "5", annual: "true" }), step)).toBe(true);
    expect(eventMatchesStep(ev("conversion", "purchase", { plan: "pro", seats: 5 }), step)).toBe(false);
    expect(eventMatchesStep(ev("conversion", "purchase", { plan: "basic", seats: 5, annual: true }), step)).toBe(false);
    expect(eventMatchesStep(ev("conversion", "purchase", null), step)).toBe(false);
    expect(eventMatchesStep(ev("conversion", "purchase", { toString: "x" }), { name: "s", event: "purchase", where: { constructor: "x" } })).toBe(false);
  });
  test("passive events", () => {
    expect(["scroll_depth", "section_view", "form_submit", "purchase"].map(isPassiveEvent)).toEqual([true, true, true, false]);
  });

  test("the SQL pre-filter agrees with the TypeScript matcher", () => {
    const db = new Database(":memory:");
    const glob = db.query<{ m: number }, [string, string]>("SELECT ? GLOB ? AS m");
    for (const [pattern, path, want] of pages) {
      const f = stepSqlFilter({ name: "s", page: pattern });
      if (f.kind !== "page") throw new Error(f.kind);
      expect([pattern, path, f.globs.some((g) => glob.get(path, g)!.m === 1)]).toEqual([pattern, path, want]);
    }
  });
});
