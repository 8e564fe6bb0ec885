// The SDK's auto-capture switches, as chosen when a funnel is registered
// (stored in funnels.capture) and turned into script-tag attributes. The keys
// are the SDK's own (sdk/src/util.ts CAPTURES); all default to on in the SDK.

export interface CaptureOption {
  key: string;
  label: string;
  hint: string;
}

export const CAPTURE_OPTIONS: CaptureOption[] = [
  { key: "pageviews", label: "Page views", hint: "a page_view on every load" },
  { key: "spa", label: "SPA navigation", hint: "page views on history changes" },
  { key: "forms", label: "Form submits", hint: "form_submit with the form's id or name" },
  { key: "scroll", label: "Scroll depth", hint: "scroll_depth at 25/50/75/100 %" },
  { key: "outbound", label: "Outbound links", hint: "outbound_click with the target URL" },
  { key: "clicks", label: "Element clicks", hint: "element_click on marked elements" },
  { key: "sections", label: "Section views", hint: "section_view when marked sections appear" },
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
