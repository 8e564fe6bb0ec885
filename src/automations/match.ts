// Does an event satisfy a rule's trigger and conditions? Pure, table-tested.
// Step triggers (step_reached, abandoned) depend on the visitor's history and are
// decided in steps.ts; contact_created by the pipeline. Both still use conditionsHold.
import { globToRegExp, parseGlob } from "../funnels/glob";
import type { EventView, SourceFields } from "../store/dashboard-views";
import type { Condition, Trigger } from "./rule-schema";

/** The fields of an event the rules look at. */
export type MatchEvent = Pick<
  EventView,
  "type" | "name" | "path" | "props" | "revenue" | "verified" | "country" | "device" | "browser" | "os" |
  Exclude<keyof SourceFields, "clickId">
>;

const globCache = new Map<string, RegExp>();

/** Event-name globs: `*` any run of characters, `?` one, `[a-z]` a class (same as funnel steps). */
export function nameMatches(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const g = parseGlob(pattern);
    re = g.ok ? globToRegExp(g.tokens) : /$^/;
    if (globCache.size > 2000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(name);
}

/** For event and conversion triggers; false for the others (they are not decided per event). */
export function triggerMatches(trigger: Trigger, e: MatchEvent): boolean {
  switch (trigger.type) {
    case "event":
      return nameMatches(trigger.name, e.name);
    case "conversion": {
      if (e.type !== "conversion") return false;
      if (trigger.verifiedOnly && !e.verified) return false;
      if (trigger.currency && e.revenue?.currency !== trigger.currency) return false;
      if (trigger.minRevenue !== undefined && (!e.revenue || e.revenue.amount < trigger.minRevenue)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** The value a condition field names on this event, as text; null when absent. */
export function fieldValue(field: string, e: MatchEvent): string | null {
  if (field.startsWith("props.")) {
    const key = field.slice(6);
    const v = e.props && Object.hasOwn(e.props, key) ? e.props[key] : undefined;
    return v === undefined || v === null || typeof v === "object" ? null : String(v);
  }
  switch (field) {
    case "name": return e.name;
    case "path": return e.path;
    case "source": return e.utm_source ?? e.referrerHost;
    case "channel": return e.channel;
    case "referrer_host": return e.referrerHost;
    case "utm_source": return e.utm_source;
    case "utm_medium": return e.utm_medium;
    case "utm_campaign": return e.utm_campaign;
    case "utm_term": return e.utm_term;
    case "utm_content": return e.utm_content;
    case "country": return e.country;
    case "device": return e.device;
    case "browser": return e.browser;
    case "os": return e.os;
    default: return null;
  }
}

/**
 * Every condition must hold. Comparison is on trimmed text, case-insensitive
 * ("FR" = "fr", 5 = "5", true = "true"). A missing field equals nothing and
 * contains nothing, so `neq` holds for it.
 */
export function conditionsHold(conditions: Condition[], e: MatchEvent): boolean {
  for (const c of conditions) {
    const actual = fieldValue(c.field, e)?.trim().toLowerCase() ?? null;
    const expected = String(c.value).trim().toLowerCase();
    const ok = c.op === "eq" ? actual === expected : c.op === "neq" ? actual !== expected : actual !== null && actual.includes(expected);
    if (!ok) return false;
  }
  return true;
}
