// Options of the script tag, read from its data attributes (data-funnel-id is
// data.funnelId).
import type { CoreOptions } from "./core";
import type { CaptureOptions } from "./types";
import { CAPTURES } from "./util";

/**
 * `data` is the script tag's dataset; `src` its resolved URL. A flag is on when present
 * (`data-debug`), off when "false", "0" or "off"; an absent capture is on.
 */
export function scriptOptions(data: DOMStringMap, src: string): CoreOptions {
  const flag = (name: string) => {
    const v = data[name];
    return v == null ? undefined : !/^(false|0|off)$/.test(v);
  };
  const capture = {} as CaptureOptions;
  for (const c of CAPTURES) capture[c] = flag(c) ?? true;
  return {
    // Missing ones are caught by createCore, which then sends nothing.
    funnelId: data.funnelId!,
    key: data.key!,
    apiUrl: data.api || new URL(src).origin,
    capture,
    debug: flag("debug"),
    respectDnt: flag("respectDnt"),
    cookieless: flag("cookieless"),
    keepParams: data.keepParams?.split(/[\s,]+/),
  };
}
