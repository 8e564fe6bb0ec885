// Options of the script tag, read from its data attributes.
import type { AureaOptions } from "./types";
import { CAPTURES } from "./util";

/**
 * `attr` reads an attribute of the script tag; `src` is its resolved URL. A flag is on
 * when present (`data-debug`), off when "false", "0" or "off"; an absent capture is on.
 */
export function scriptOptions(attr: (name: string) => string | null, src: string): AureaOptions {
  const flag = (name: string) => {
    const v = attr("data-" + name);
    return v == null ? undefined : !/^(false|0|off)$/.test(v);
  };
  const capture: AureaOptions["capture"] = {};
  for (const c of CAPTURES) capture[c] = flag(c);
  return {
    // Missing ones are caught by createAurea, which then sends nothing.
    funnelId: attr("data-funnel-id")!,
    key: attr("data-key")!,
    apiUrl: attr("data-api") || new URL(src).origin,
    capture,
    debug: flag("debug"),
    respectDnt: flag("respect-dnt"),
    cookieless: flag("cookieless"),
    keepParams: attr("data-keep-params")?.split(/[\s,]+/),
  };
}
