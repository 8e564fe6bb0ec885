// The step definition a demo funnel gets, so the Steps tab has a report to show:
// the path the demo traffic takes from pricing to a paid order.
import { parseSteps, type StepsDefinition } from "../funnels/steps-definition";

export const DEMO_STEPS_JSON = {
  window: "7d",
  order: "sequential",
  steps: [
    { name: "Pricing", page: "/pricing" },
    { name: "Checkout", page: "/checkout" },
    { name: "Checkout started", event: "checkout_initiated" },
    { name: "Purchase", event: "purchase" },
  ],
};

export function demoSteps(): StepsDefinition {
  const r = parseSteps(DEMO_STEPS_JSON);
  if (!r.ok) throw new Error(`demo steps do not parse: ${r.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  return r.value;
}
