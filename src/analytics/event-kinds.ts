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
 * The distinct names a funnel's conversions and identifies go by: one index seek per
 * name in (funnel_id, type, name, …), so the cost grows with names, not with events.
 */
export function eventNameKinds(sqlite: Database, funnelId: string): EventNameKinds {
  const next = sqlite.query<{ name: string | null }, [string, string, string]>(
    "SELECT min(name) AS name FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ? AND type = ? AND name > ?",
  );
  const names = (type: string) => {
    const out = new Set<string>();
    for (let after = "", i = 0; i < 1000; i++) {
      const name = next.get(funnelId, type, after)?.name;
      if (name === null || name === undefined) break;
      out.add(name);
      after = name;
    }
    return out;
  };
  return { conversions: names("conversion"), identifies: names("identify") };
}

/** A grouped event name's kind: a name used by conversions counts as a conversion. */
export function eventKindOf(name: string, kinds: EventNameKinds): EventKind {
  if (kinds.conversions.has(name)) return "conversion";
  if (kinds.identifies.has(name) || name === "identify" || isAutoEventName(name)) return "auto";
  return "custom";
}
