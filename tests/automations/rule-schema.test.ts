import { describe, expect, test } from "bun:test";
import { createRuleSchema, formatDuration, parseDuration, updateRuleSchema } from "../../src/automations/rule-schema";
import { zodErrors } from "../../src/ingest/payload";

const base = { name: "Purchases", trigger: { type: "event", name: "purchase" }, action: { type: "webhook", url: "https://hooks.example.com/x" } };

function errors(json: unknown): string[] {
  const r = createRuleSchema.safeParse(json);
  return r.success ? [] : zodErrors("", r.error).map((e) => `${e.path}: ${e.message}`);
}

describe("rule schema", () => {
  test("the issue's examples parse", () => {
    for (const trigger of [
      { type: "event", name: "purchase" },
      { type: "conversion", verifiedOnly: true, minRevenue: 50 },
      { type: "contact_created" },
      { type: "step_reached", step: 3 },
      { type: "abandoned", step: 3, after: "1h" },
    ]) {
      const r = createRuleSchema.safeParse({ ...base, trigger, conditions: [{ field: "props.plan", op: "eq", value: "pro" }] });
      expect(r.success).toBe(true);
    }
  });

  test("defaults and durations", () => {
    const r = createRuleSchema.parse({ ...base, trigger: { type: "abandoned", step: 2, after: "1h30m" }, cooldown: "10m" });
    expect(r.trigger).toEqual({ type: "abandoned", step: 2, after: 5400 });
    expect(r.cooldown).toBe(600);
    expect(r.conditions).toEqual([]);
    expect(r.paused).toBe(false);
  });

  test.each<[string, unknown, string]>([
    ["no name", { ...base, name: "" }, "name: must not be empty"],
    ["unknown trigger", { ...base, trigger: { type: "sometimes" } }, "trigger.type: must be one of event, conversion"],
    ["trigger not an object", { ...base, trigger: "purchase" }, 'trigger: must be an object whose "type" is one of'],
    ["step 0", { ...base, trigger: { type: "step_reached", step: 0 } }, "trigger.step: must be at least 1"],
    ["bad delay", { ...base, trigger: { type: "abandoned", step: 1, after: "soon" } }, 'trigger.after: "soon" is not a duration'],
    ["long delay", { ...base, trigger: { type: "abandoned", step: 1, after: "90d" } }, "trigger.after: must be between 1s and 30d"],
    ["bad glob", { ...base, trigger: { type: "event", name: "faq_[" } }, "trigger.name: pattern"],
    ["bad field", { ...base, conditions: [{ field: "ip", op: "eq", value: "x" }] }, 'conditions[0].field: "ip" is not a condition field'],
    ["bad op", { ...base, conditions: [{ field: "country", op: "gt", value: "x" }] }, "conditions[0].op: must be one of eq, neq, contains"],
    ["no url", { ...base, action: { type: "webhook" } }, "action.url: must be an http(s) URL"],
    ["reserved header", { ...base, action: { ...base.action, headers: { "Webhook-Signature": "x" } } }, "is set by Aurea"],
    ["header injection", { ...base, action: { ...base.action, headers: { "X-A": "a\r\nX-B: b" } } }, "must not contain line breaks"],
    ["unknown key", { ...base, when: "now" }, 'unknown key "when"'],
  ])("%s", (_n, json, message) => {
    expect(errors(json).join("\n")).toContain(message);
  });

  test("updates are partial", () => {
    expect(updateRuleSchema.parse({ paused: true })).toEqual({ paused: true });
    expect(updateRuleSchema.parse({ cooldown: null })).toEqual({ cooldown: null });
    expect(updateRuleSchema.safeParse({ secret: "x" }).success).toBe(false);
  });

  test("durations", () => {
    expect(parseDuration("45s")).toBe(45);
    expect(parseDuration("2d")).toBe(172800);
    expect(parseDuration("1h 30m")).toBeNull();
    expect(parseDuration("")).toBeNull();
    expect(formatDuration(3600)).toBe("1h");
    expect(formatDuration(5400)).toBe("90m");
    expect(formatDuration(61)).toBe("61s");
  });
});
