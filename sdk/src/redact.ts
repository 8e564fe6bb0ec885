// URLs as the SDK sends them. A GET form puts its fields into the next page's URL
// (/thanks?email=…&phone=…): query parameters are kept only when they are campaign
// tags, ad click ids, ref/source/via, or named by the site (data-keep-params);
// email addresses are redacted anywhere. The server applies the same rule again.
import { CLICK_IDS, UTM_KEYS } from "./attribution";

// keep may be undefined: concat then adds one undefined, which no name equals.
export const cleanUrl = (url: string, keep?: string[]): string =>
  url
    .replace(/\?[^#]*/, (q) => {
      const kept = q
        .slice(1)
        .split("&")
        .filter((p) => UTM_KEYS.concat(CLICK_IDS, keep!, "ref", "source", "via").includes(p.split("=")[0].toLowerCase()));
      return kept[0] ? "?" + kept.join("&") : "";
    })
    .replace(/[\w.+%-]+(@|%40)[\w-]+(\.[\w-]+)+/gi, "[email]");
