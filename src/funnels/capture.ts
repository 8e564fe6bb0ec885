// The SDK's auto-capture switches, as chosen when a funnel is registered
// (stored in funnels.capture) and turned into script-tag attributes. The keys
// are the SDK's own (sdk/src/util.ts CAPTURES); all default to on in the SDK.

export interface CaptureOption {
  key: string;
  label: string;
  /** The event the SDK sends for it; null when the page names it (data-aurea-event). */
  event: string | null;
  /** The props that event carries. */
  props: string[];
  /** What arrives, as the register dialog says it; must agree with sdk/src/autocapture.ts and sdk/src/sections.ts (tests/sdk/capture-hints.test.ts). */
  hint: string;
}

export const CAPTURE_OPTIONS: CaptureOption[] = [
  { key: "pageviews", label: "Page views", event: "page_view", props: [], hint: "a page_view on every load" },
  { key: "spa", label: "SPA navigation", event: "page_view", props: [], hint: "page views on history changes" },
  {
    key: "forms", label: "Form submits", event: "form_submit", props: ["form_id", "form_name", "form_action", "fields"],
    hint: "form_submit with the form's id, name, action and number of fields (never their values)",
  },
  { key: "scroll", label: "Scroll depth", event: "scroll_depth", props: ["depth"], hint: "scroll_depth at 25/50/75/100 %" },
  { key: "outbound", label: "Outbound links", event: "outbound_click", props: ["host", "path"], hint: "outbound_click with the link's host and path" },
  {
    key: "clicks", label: "Element clicks", event: null, props: [],
    hint: "a click on an element with data-aurea-event=\"name\" arrives as that name, with its data-aurea-prop-* values",
  },
  { key: "sections", label: "Section views", event: "section_view", props: ["section"], hint: "section_view when half of a data-aurea-view element is seen" },
];

export type CaptureChoices = Record<string, boolean>;

export function defaultCapture(): CaptureChoices {
  return Object.fromEntries(CAPTURE_OPTIONS.map((o) => [o.key, true]));
}

/** Checked boxes (a form field repeated, one value per box) → every option on or off. */
export function captureFromForm(checked: unknown): CaptureChoices {
  const list = Array.isArray(checked) ? checked : checked == null || checked === "" ? [] : [checked];
  const on = new Set(list.map(String));
  return Object.fromEntries(CAPTURE_OPTIONS.map((o) => [o.key, on.has(o.key)]));
}

/** Missing keys count as on, like in the SDK. */
export function isCaptured(choices: CaptureChoices, key: string): boolean {
  return choices[key] !== false;
}

/** The options that differ from the SDK default (on), e.g. { clicks: false }. */
export function disabledCaptures(choices: CaptureChoices): string[] {
  return CAPTURE_OPTIONS.filter((o) => !isCaptured(choices, o.key)).map((o) => o.key);
}
