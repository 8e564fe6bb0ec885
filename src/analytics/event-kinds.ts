// Which events are the founder's own (custom), which are conversions, and which are
// automatic: captured by the SDK on its own (scroll depth, section views, form submits,
// outbound links) or bookkeeping (identify). Panels and the live view separate them.
import type { Database } from "bun:sqlite";

export const EVENT_KINDS = ["custom", "conversion", "auto"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Names the SDK sends by itself; element_click is what older SDKs sent for marked clicks. */
export const AUTO_EVENT_NAMES = ["scroll_depth", "section_view", "form_submit", "outbound_click", "element_click"] as const;
const AUTO = new Set<string>(AUTO_EVENT_NAMES);

export function isAutoEventName(name: string): boolean {
  return AUTO.has(name);
}

export interface EventNameKinds {
  conversions: Set<string>;
  identifies: Set<string>;
}

/**
 * The distinct names events of one type go by, in name order, at most `cap`: one
 * index seek per name in (funnel_id, type, name, …), so the cost grows with the
 * names, not with the events.
 */
export function distinctEventNames(sqlite: Database, funnelId: string, type: string, cap = 1000): string[] {
  const next = sqlite.query<{ name: string | null }, [string, string, string]>(
    "SELECT min(name) AS name FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ? AND type = ? AND name > ?",
  );
  const out: string[] = [];
  for (let after = ""; out.length < cap; ) {
    const name = next.get(funnelId, type, after)?.name;
    if (name === null || name === undefined) break;
    out.push(name);
    after = name;
  }
  return out;
}

/** The names a funnel's conversions and identifies go by. */
export function eventNameKinds(sqlite: Database, funnelId: string): EventNameKinds {
  return {
    conversions: new Set(distinctEventNames(sqlite, funnelId, "conversion")),
    identifies: new Set(distinctEventNames(sqlite, funnelId, "identify")),
  };
}

/** A grouped event name's kind: a name used by conversions counts as a conversion. */
export function eventKindOf(name: string, kinds: EventNameKinds): EventKind {
  if (kinds.conversions.has(name)) return "conversion";
  if (kinds.identifies.has(name) || name === "identify" || isAutoEventName(name)) return "auto";
  return "custom";
}
