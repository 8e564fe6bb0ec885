// Which events are the founder's own (custom), which are conversions, and which are
// automatic: captured by the SDK on its own (scroll depth, section views, form submits,
// outbound links) or bookkeeping (identify). Panels and the live view separate them.

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

/** A grouped event name's kind: a name used by conversions counts as a conversion. */
export function eventKindOf(name: string, kinds: EventNameKinds): EventKind {
  if (kinds.conversions.has(name)) return "conversion";
  if (kinds.identifies.has(name) || name === "identify" || isAutoEventName(name)) return "auto";
  return "custom";
}
