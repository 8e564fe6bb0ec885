// Campaign facts of a landing URL: UTM parameters and which ad click id it carries.
export type Attribution = Record<string, string>;

export const UTM_KEYS = "utm_source utm_medium utm_campaign utm_term utm_content".split(" ");
// The server's priority order (src/enrich/attribution.ts), most common ones only:
// the server reads the landing URL itself; these props carry it to later events.
export const CLICK_IDS = "gclid gbraid wbraid msclkid ttclid li_fat_id twclid fbclid".split(" ");

/**
 * props keys utm_* and click_id, or null when the URL carries no campaign. click_id is
 * the parameter's name ("gclid"), as the server keeps it: the value is per-click noise.
 */
export function parseAttribution(search: string): Attribution | null {
  const q = new URLSearchParams(search);
  const out: Attribution = {};
  for (const k of UTM_KEYS) if (q.get(k)) out[k] = q.get(k)!.slice(0, 200);
  const click = CLICK_IDS.find((k) => q.get(k));
  if (click) out.click_id = click;
  return Object.keys(out)[0] ? out : null;
}
