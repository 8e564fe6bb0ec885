import { describe, expect, test } from "bun:test";
import { reachesStep, stepReachedBy, type TimedEvent } from "../../src/automations/steps";
import { parseSteps, type StepsDefinition } from "../../src/funnels/steps-definition";

function def(order: "sequential" | "strict" = "sequential", window = "1h"): StepsDefinition {
  const r = parseSteps({
    window,
    order,
    steps: [
      { name: "Landing", page: "/" },
      { name: "Checkout", page: "/checkout" },
      { name: "Purchase", event: "purchase" },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

let row = 0;
const MIN = 60_000;
function page(path: string, ts: number): TimedEvent {
  return { type: "page_view", name: "page_view", path, props: null, ts, rowId: ++row };
}
function track(name: string, ts: number): TimedEvent {
  return { type: "track", name, path: "/x", props: null, ts, rowId: ++row };
}

describe("stepReachedBy", () => {
  test("each step is reached once per run; a reload reaches nothing new", () => {
    const evs = [page("/", 0), page("/checkout", MIN), page("/checkout", 2 * MIN), track("purchase", 3 * MIN)];
    const d = def();
    expect(evs.map((e) => stepReachedBy(evs, d, e.rowId))).toEqual([
      { step: 1, enteredAt: 0 },
      { step: 2, enteredAt: 0 },
      null,
      { step: 3, enteredAt: 0 },
    ]);
  });

  test("a later step without the earlier ones is not reached", () => {
    const evs = [page("/checkout", 0)];
    expect(stepReachedBy(evs, def(), evs[0].rowId)).toBeNull();
  });

  test("sequential: other events in between are fine", () => {
    const evs = [page("/", 0), page("/pricing", MIN), track("faq_open", 2 * MIN), page("/checkout", 3 * MIN)];
    expect(stepReachedBy(evs, def(), evs[3].rowId)).toEqual({ step: 2, enteredAt: 0 });
  });

  test("strict: another action in between ends the run; passive events do not", () => {
    const evs = [page("/", 0), page("/pricing", MIN), page("/checkout", 2 * MIN)];
    expect(stepReachedBy(evs, def("strict"), evs[2].rowId)).toBeNull();
    const ok = [page("/", 0), track("scroll_depth", MIN), page("/", MIN), page("/checkout", 2 * MIN)];
    expect(stepReachedBy(ok, def("strict"), ok[3].rowId)).toEqual({ step: 2, enteredAt: 0 });
  });

  test("the window: a run ends, the next step-1 event starts a new one", () => {
    const evs = [page("/", 0), page("/", 90 * MIN), page("/checkout", 100 * MIN)];
    const d = def("sequential", "1h");
    expect(stepReachedBy(evs, d, evs[1].rowId)).toEqual({ step: 1, enteredAt: 90 * MIN });
    expect(stepReachedBy(evs, d, evs[2].rowId)).toEqual({ step: 2, enteredAt: 90 * MIN });
  });

  test("reachesStep", () => {
    const d = def();
    expect(reachesStep([track("purchase", 0)], d, 3)).toBe(true);
    expect(reachesStep([page("/checkout", 0)], d, 3)).toBe(false);
    expect(reachesStep([track("purchase", 0)], d, 4)).toBe(false);
  });
});
