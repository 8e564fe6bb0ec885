// The pure funnel maths on tables of hand-made journeys.
import { describe, expect, test } from "bun:test";
import { visitorProgress, type ProgressRules } from "../../src/analytics/funnel-progress";
import { breakdownRows, buildReport, median, percentile, progressAll, visitorsAtStep } from "../../src/analytics/funnel-report";
import { convert, DAY, def, HOUR, identify, journey, MIN, page, T0, track, type RawEvent } from "./journey-helpers";

const FOUR = {
  window: "7d",
  steps: [
    { name: "Landing", page: "/" },
    { name: "Pricing", page: "/pricing*" },
    { name: "Checkout", event: "checkout_initiated" },
    { name: "Purchase", event: "purchase", where: { plan: "pro" } },
  ],
};
const seq = def(FOUR);
const strict = def({ ...FOUR, order: "strict" });
const RANGE = { from: T0 - DAY, to: T0 + DAY };
const LATER = T0 + 30 * DAY; // every window has closed

function rules(d: typeof seq, over: Partial<ProgressRules> = {}): ProgressRules {
  return { stepCount: d.steps.length, windowMs: d.windowMs, order: d.order, ...RANGE, now: LATER, ...over };
}

const reachedOf = (d: typeof seq, events: RawEvent[], over: Partial<ProgressRules> = {}) =>
  visitorProgress(journey(d, "v", events), rules(d, over))?.reached ?? 0;

const FULL = [page(0, "/"), page(1, "/pricing"), track(2, "checkout_initiated"), convert(3, "purchase", 49, { plan: "pro" })];

describe("how far a visitor gets", () => {
  const cases: { name: string; events: RawEvent[]; sequential: number; strict: number }[] = [
    { name: "the whole funnel in order", events: FULL, sequential: 4, strict: 4 },
    { name: "never entered (no landing)", events: [page(0, "/pricing"), track(1, "checkout_initiated")], sequential: 0, strict: 0 },
    {
      name: "another page between landing and pricing",
      events: [page(0, "/"), page(1, "/about"), page(2, "/pricing"), track(3, "checkout_initiated")],
      sequential: 3, strict: 1,
    },
    {
      name: "scroll, section and form auto-captures do not break strict order",
      events: [page(0, "/"), track(0.5, "scroll_depth", { depth: 50 }), track(0.6, "section_view", { section: "plans" }), page(1, "/pricing"), track(1.5, "form_submit"), track(2, "checkout_initiated")],
      sequential: 3, strict: 3,
    },
    {
      name: "an identify in the middle breaks nothing",
      events: [page(0, "/"), identify(0.5), page(1, "/pricing/team"), track(2, "checkout_initiated")],
      sequential: 3, strict: 3,
    },
    {
      name: "a custom event between steps breaks strict order",
      events: [page(0, "/"), page(1, "/pricing"), track(1.5, "video_play"), track(2, "checkout_initiated")],
      sequential: 3, strict: 2,
    },
    {
      name: "a reload of the current step keeps strict order",
      events: [page(0, "/"), page(1, "/pricing"), page(1.2, "/pricing"), track(2, "checkout_initiated"), convert(3, "purchase", 10, { plan: "pro" })],
      sequential: 4, strict: 4,
    },
    {
      name: "steps out of order count only from the landing on",
      events: [track(0, "checkout_initiated"), page(1, "/pricing"), page(2, "/"), convert(3, "purchase", 10, { plan: "pro" })],
      sequential: 1, strict: 1,
    },
    {
      name: "a purchase on another plan is not the Purchase step",
      events: [page(0, "/"), page(1, "/pricing"), track(2, "checkout_initiated"), convert(3, "purchase", 10, { plan: "basic" })],
      sequential: 3, strict: 3,
    },
    {
      name: "a failed first attempt, then a full one",
      events: [page(0, "/"), page(5, "/about"), page(10, "/"), page(11, "/pricing"), track(12, "checkout_initiated"), convert(13, "purchase", 5, { plan: "pro" })],
      sequential: 4, strict: 4,
    },
    {
      name: "one event is a hit for one step only",
      events: [page(0, "/"), track(1, "checkout_initiated")],
      sequential: 1, strict: 1,
    },
  ];
  for (const c of cases) {
    test(`sequential: ${c.name}`, () => expect(reachedOf(seq, c.events)).toBe(c.sequential));
    test(`strict: ${c.name}`, () => expect(reachedOf(strict, c.events)).toBe(c.strict));
  }

  test("the same pattern twice needs two events", () => {
    const d = def({ steps: [{ name: "Home", page: "/" }, { name: "Pricing", page: "/pricing" }, { name: "Home again", page: "/" }] });
    expect(reachedOf(d, [page(0, "/"), page(1, "/pricing")])).toBe(2);
    expect(reachedOf(d, [page(0, "/"), page(1, "/pricing"), page(2, "/")])).toBe(3);
    expect(reachedOf(d, [page(0, "/"), page(0, "/"), page(1, "/pricing")])).toBe(2);
  });
});

describe("the conversion window", () => {
  const d = def({ window: "30m", steps: [{ name: "A", page: "/" }, { name: "B", event: "purchase" }] });
  test("a step exactly at the window's end counts", () => expect(reachedOf(d, [page(0, "/"), track(30, "purchase")])).toBe(2));
  test("one millisecond later does not", () => {
    const late = { ...track(30, "purchase"), ts: T0 + 30 * MIN + 1 };
    expect(reachedOf(d, [page(0, "/"), late])).toBe(1);
  });
  test("a later entry restarts the window", () => expect(reachedOf(d, [page(0, "/"), page(40, "/"), track(65, "purchase")])).toBe(2));
  test("only entries inside the range count, their later steps count after the range ends", () => {
    const from = T0;
    const to = T0 + 10 * MIN;
    expect(reachedOf(d, [page(-1, "/"), track(5, "purchase")], { from, to })).toBe(0);
    expect(reachedOf(d, [page(9, "/"), track(25, "purchase")], { from, to })).toBe(2);
    expect(reachedOf(d, [page(10, "/"), track(12, "purchase")], { from, to })).toBe(0);
  });
});

describe("in progress or dropped", () => {
  const d = def({ window: "1h", steps: [{ name: "A", page: "/" }, { name: "B", page: "/b" }, { name: "C", event: "purchase" }] });
  const events = [page(0, "/"), page(10, "/b")];
  const status = (now: number) => visitorProgress(journey(d, "v", events), rules(d, { now }))!.status;
  test("window still open: in progress", () => expect(status(T0 + 59 * MIN)).toBe("in_progress"));
  test("open up to and including its last millisecond", () => expect(status(T0 + HOUR)).toBe("in_progress"));
  test("window closed: dropped", () => expect(status(T0 + HOUR + 1)).toBe("dropped"));
  test("finished: completed, whatever the time", () => {
    const p = visitorProgress(journey(d, "v", [...events, convert(20, "purchase")]), rules(d, { now: T0 }))!;
    expect(p.status).toBe("completed");
  });
  test("a visitor who came back is judged on the latest attempt", () => {
    const back = [page(0, "/"), page(1, "/b"), page(5 * 60, "/"), page(5 * 60 + 1, "/b")];
    const p = visitorProgress(journey(d, "v", back), rules(d, { now: T0 + 5 * HOUR + 10 * MIN }))!;
    expect(p.reached).toBe(2);
    expect(p.status).toBe("in_progress");
    expect(p.hits[0].ts).toBe(T0 + 5 * HOUR);
  });
  test("a visitor who finished twice is counted on the first finish", () => {
    const twice = [page(0, "/"), page(1, "/b"), convert(2, "purchase"), page(100, "/"), page(101, "/b"), convert(102, "purchase")];
    expect(visitorProgress(journey(d, "v", twice), rules(d))!.hits[0].ts).toBe(T0);
  });
});

describe("the report", () => {
  const journeys = [
    journey(seq, "a", FULL),
    journey(seq, "b", [page(0, "/"), page(3, "/pricing"), track(10, "checkout_initiated")]),
    journey(seq, "c", [page(0, "/"), page(5, "/pricing"), convert(60, "ebook", 5)]),
    journey(seq, "d", [page(0, "/")]),
    journey(seq, "e", [page(0, "/"), page(2, "/pricing"), track(3, "checkout_initiated"), convert(4, "purchase", 99, { plan: "pro" }), convert(8 * 24 * 60, "purchase", 1000, { plan: "pro" })]),
  ];
  const progress = progressAll(journeys, rules(seq));
  const r = buildReport(seq.steps.map((s) => s.name), progress);

  test("visitors per step and conversion", () => {
    expect(r.steps.map((s) => s.visitors)).toEqual([5, 4, 3, 2]);
    expect(r.steps.map((s) => s.conversionFromPrevious)).toEqual([1, 0.8, 0.75, 0.6667]);
    expect(r.steps.map((s) => s.conversionFromStart)).toEqual([1, 0.8, 0.6, 0.4]);
    expect(r.steps.map((s) => s.dropped)).toEqual([1, 1, 1, 0]);
    expect(r.steps.map((s) => s.inProgress)).toEqual([0, 0, 0, 0]);
    expect(r.totals).toMatchObject({ entered: 5, completed: 2, conversionRate: 0.4 });
  });

  test("time from the previous step: median and p90", () => {
    // Pricing: a 1m, b 3m, c 5m, e 2m → median 2.5m; Checkout: a 1m, b 7m, e 1m → median 1m, p90 7m.
    expect(r.steps[0].medianSecondsFromPrevious).toBeNull();
    expect(r.steps[1].medianSecondsFromPrevious).toBe(150);
    expect(r.steps[1].p90SecondsFromPrevious).toBe(300);
    expect(r.steps[2].medianSecondsFromPrevious).toBe(60);
    expect(r.steps[2].p90SecondsFromPrevious).toBe(420);
  });

  test("revenue of visitors who reached each step, within their window", () => {
    // a: 49, c: 5 (ebook), e: 99 (the 1000 is after e's 7-day window).
    expect(r.steps.map((s) => s.revenue)).toEqual([{ USD: 153 }, { USD: 153 }, { USD: 148 }, { USD: 148 }]);
    expect(r.steps[0].revenuePerEntrant).toEqual({ USD: 30.6 });
    expect(r.steps[3].revenuePerEntrant).toEqual({ USD: 29.6 });
  });

  test("each visitor's revenue once, at the furthest step they reached", () => {
    // c (5) stopped at step 2; a (49) and e (99) completed.
    expect(r.steps.map((s) => s.revenueStoppedHere)).toEqual([{}, { USD: 5 }, {}, { USD: 148 }]);
  });

  test("in progress while windows are open", () => {
    const open = buildReport(seq.steps.map((s) => s.name), progressAll(journeys, rules(seq, { now: T0 + HOUR })));
    expect(open.steps.map((s) => s.inProgress)).toEqual([1, 1, 1, 0]);
    expect(open.steps.map((s) => s.dropped)).toEqual([0, 0, 0, 0]);
  });

  test("drill-down: who stopped at a step and who continued", () => {
    expect(visitorsAtStep(progress, 2, "dropped").map((p) => p.visitor)).toEqual(["b"]);
    expect(visitorsAtStep(progress, 2, "continued").map((p) => p.visitor).sort()).toEqual(["a", "e"]);
    expect(visitorsAtStep(progress, 0, "stopped").map((p) => p.visitor)).toEqual(["d"]);
    expect(visitorsAtStep(progress, 3, "stopped")).toEqual([]);
  });

  test("an empty report", () => {
    const empty = buildReport(["A", "B"], []);
    expect(empty.steps.map((s) => [s.visitors, s.conversionFromPrevious, s.conversionFromStart])).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(empty.totals.conversionRate).toBe(0);
  });
});

describe("breakdown by the entry's attribution", () => {
  const d = def({ steps: [{ name: "A", page: "/" }, { name: "B", event: "buy" }] });
  const make = (v: string, value: string | null, buys: boolean) =>
    journey(d, v, buys ? [page(0, "/", value as string), track(1, "buy")] : [page(0, "/", value as string)]);

  test("values sorted by visitors, with their own conversion", () => {
    const js = [make("1", "google", true), make("2", "google", false), make("3", "newsletter", true), make("4", null, false), make("5", "google", true)];
    const rows = breakdownRows(["A", "B"], progressAll(js, rules(d)));
    expect(rows.map((r) => [r.value, r.visitors, r.completed, r.conversionRate])).toEqual([
      ["google", 3, 2, 0.6667],
      ["(none)", 1, 0, 0],
      ["newsletter", 1, 1, 1],
    ]);
  });

  test("small values are grouped as other", () => {
    const js = Array.from({ length: 12 }, (_, i) => make(String(i), `src${i}`, i % 2 === 0));
    js.push(make("x", "src0", true), make("y", "src0", true));
    const rows = breakdownRows(["A", "B"], progressAll(js, rules(d)), 3);
    expect(rows.map((r) => r.value)).toEqual(["src0", "src1", "src10", "other"]);
    expect(rows[0].visitors).toBe(3);
    expect(rows[3].visitors).toBe(9);
    expect(rows.reduce((n, r) => n + r.visitors, 0)).toBe(14);
  });
});

test("median and percentile", () => {
  expect(median([])).toBeNull();
  expect(median([1, 2, 3])).toBe(2);
  expect(median([1, 2, 3, 4])).toBe(2.5);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  expect(percentile([5], 90)).toBe(5);
});
