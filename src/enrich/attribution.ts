export interface Attribution {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  /**
   * The NAME of the ad click id parameter on the landing URL (lowercase, e.g.
   * "gclid", "fbclid", "msclkid", "ttclid"); its value is per-click noise and
   * is not kept.
   */
  clickId: string | null;
}

const MAX_VALUE_LENGTH = 200;

const UTM_PARAMS: ReadonlyArray<[param: string, field: keyof Omit<Attribution, "clickId">]> = [
  ["utm_source", "utmSource"],
  ["utm_medium", "utmMedium"],
  ["utm_campaign", "utmCampaign"],
  ["utm_term", "utmTerm"],
  ["utm_content", "utmContent"],
];

/** Ad click id parameters, lowercase, in priority order when several are present. */
export const CLICK_ID_PARAMS: readonly string[] = [
  "gclid", // Google Ads
  "gbraid", // Google Ads, iOS app → web
  "wbraid", // Google Ads, web → app
  "dclid", // Google Display & Video 360 / Campaign Manager
  "msclkid", // Microsoft Advertising (Bing)
  "yclid", // Yandex Direct
  "ttclid", // TikTok Ads
  "li_fat_id", // LinkedIn Ads
  "twclid", // X (Twitter) Ads
  "rdt_cid", // Reddit Ads
  "sccid", // Snapchat Ads
  "epik", // Pinterest
  "fbclid", // Facebook/Instagram: added to organic shares too, so last
];

const EMPTY: Attribution = Object.freeze({
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmTerm: null,
  utmContent: null,
  clickId: null,
});

/** The raw query string of a URL, tolerating relative and malformed URLs. */
function queryOf(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return "";
  const hash = url.indexOf("#");
  if (hash !== -1 && hash < q) return "";
  return url.slice(q + 1, hash === -1 ? undefined : hash);
}

function cleanValue(v: string): string | null {
  let s = v.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (s === "") return null;
  if (s.length > MAX_VALUE_LENGTH) {
    // Cut by code point so a surrogate pair is never split.
    s = Array.from(s).slice(0, MAX_VALUE_LENGTH).join("").trim();
  }
  return s;
}

/**
 * UTM parameters and ad click id of a landing page URL. Parameter names are
 * case-insensitive; the first non-empty occurrence wins. Malformed
 * percent-escapes decode to U+FFFD instead of throwing.
 */
export function attributionFromUrl(url: string | null | undefined): Attribution {
  if (typeof url !== "string" || url === "") return EMPTY;
  const query = queryOf(url);
  if (query === "") return EMPTY;

  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(query)) {
    const key = name.trim().toLowerCase();
    if (values.has(key)) continue;
    const clean = cleanValue(value);
    if (clean !== null) values.set(key, clean);
  }
  if (values.size === 0) return EMPTY;

  const out: Attribution = { ...EMPTY };
  for (const [param, field] of UTM_PARAMS) out[field] = values.get(param) ?? null;
  out.clickId = CLICK_ID_PARAMS.find((p) => values.has(p)) ?? null;
  return out;
}

/** True when the visit carries any campaign information: a UTM parameter or an ad click id. */
export function hasCampaign(a: Attribution): boolean {
  return (
    a.utmSource !== null ||
    a.utmMedium !== null ||
    a.utmCampaign !== null ||
    a.utmTerm !== null ||
    a.utmContent !== null ||
    a.clickId !== null
  );
}
