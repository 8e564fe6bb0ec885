import { describe, expect, test } from "bun:test";
import { conditionsHold, fieldValue, nameMatches, triggerMatches, type MatchEvent } from "../../src/automations/match";
import type { Condition, Trigger } from "../../src/automations/rule-schema";

function ev(over: Partial<MatchEvent> = {}): MatchEvent {
  return {
    type: "track", name: "purchase", path: "/checkout", props: { plan: "Pro", seats: 5, trial: false }, revenue: null, verified: false,
    channel: "Paid Search", referrerHost: "www.google.com", utm_source: "google", utm_medium: "cpc", utm_campaign: "Launch",
    utm_term: null, utm_content: null, country: "FR", device: "mobile", browser: "Safari", os: "iOS", ...over,
  };
}

const conversion = (amount: number | null, verified = false, currency = "USD") =>
  ev({ type: "conversion", name: "order", verified, revenue: amount === null ? null : { amount, currency } });

describe("triggers", () => {
  test.each<[string, Trigger, MatchEvent, boolean]>([
    ["exact name", { type: "event", name: "purchase" }, ev(), true],
    ["other name", { type: "event", name: "purchase" }, ev({ name: "purchased" }), false],
    ["glob prefix", { type: "event", name: "faq_*" }, ev({ name: "faq_open" }), true],
    ["glob needs the prefix", { type: "event", name: "faq_*" }, ev({ name: "help_faq_open" }), false],
    ["glob ?", { type: "event", name: "step_?" }, ev({ name: "step_3" }), true],
    ["names are case-sensitive", { type: "event", name: "Purchase" }, ev(), false],
    ["page views by name", { type: "event", name: "page_view" }, ev({ type: "page_view", name: "page_view" }), true],
    ["any conversion", { type: "conversion" }, conversion(null), true],
    ["not a conversion", { type: "conversion" }, ev(), false],
    ["verified only: unverified", { type: "conversion", verifiedOnly: true }, conversion(10), false],
    ["verified only: verified", { type: "conversion", verifiedOnly: true }, conversion(10, true), true],
    ["min revenue met", { type: "conversion", minRevenue: 50 }, conversion(50), true],
    ["min revenue not met", { type: "conversion", minRevenue: 50 }, conversion(49.99), false],
    ["min revenue, no revenue", { type: "conversion", minRevenue: 0 }, conversion(null), false],
    ["currency filter", { type: "conversion", currency: "EUR" }, conversion(10), false],
    ["currency filter met", { type: "conversion", currency: "EUR", minRevenue: 5 }, conversion(10, false, "EUR"), true],
    ["contact_created is not per event", { type: "contact_created" }, ev(), false],
    ["step triggers are not per event", { type: "step_reached", step: 2 }, ev(), false],
  ])("%s", (_name, trigger, e, expected) => {
    expect(triggerMatches(trigger, e)).toBe(expected);
  });
});

describe("conditions", () => {
  const c = (field: string, op: Condition["op"], value: Condition["value"]): Condition => ({ field, op, value });
  test.each<[string, Condition[], boolean]>([
    ["none", [], true],
    ["prop equals (case-insensitive)", [c("props.plan", "eq", "pro")], true],
    ["prop differs", [c("props.plan", "eq", "basic")], false],
    ["number prop as text", [c("props.seats", "eq", 5)], true],
    ["boolean prop", [c("props.trial", "eq", false)], true],
    ["missing prop", [c("props.coupon", "eq", "x")], false],
    ["missing prop neq", [c("props.coupon", "neq", "x")], true],
    ["prop contains", [c("props.plan", "contains", "r")], true],
    ["source is utm_source", [c("source", "eq", "google")], true],
    ["utm campaign", [c("utm_campaign", "eq", "launch")], true],
    ["utm medium contains", [c("utm_medium", "contains", "pc")], true],
    ["country", [c("country", "eq", "fr")], true],
    ["country other", [c("country", "eq", "DE")], false],
    ["device", [c("device", "eq", "mobile")], true],
    ["all must hold", [c("country", "eq", "FR"), c("device", "eq", "desktop")], false],
    ["null field eq", [c("utm_term", "eq", "")], false],
    ["null field contains", [c("utm_term", "contains", "")], false],
  ])("%s", (_name, conditions, expected) => {
    expect(conditionsHold(conditions, ev())).toBe(expected);
  });

  test("source falls back to the referrer host", () => {
    expect(fieldValue("source", ev({ utm_source: null }))).toBe("www.google.com");
  });

  test("props from the prototype are not props", () => {
    expect(fieldValue("props.constructor", ev())).toBeNull();
    expect(fieldValue("props.toString", ev({ props: null }))).toBeNull();
  });

  test("globs match whole names", () => {
    expect(nameMatches("a*c", "abbbc")).toBe(true);
    expect(nameMatches("a*c", "abbbcd")).toBe(false);
    expect(nameMatches("checkout.*", "checkout.start")).toBe(true);
    expect(nameMatches("checkout.*", "checkoutxstart")).toBe(false);
  });
});
