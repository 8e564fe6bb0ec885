import { describe, expect, test } from "bun:test";
import { attributionFromUrl, hasCampaign, type Attribution } from "../../src/enrich/attribution.ts";

const none: Attribution = { utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, clickId: null };
const a = (over: Partial<Attribution>): Attribution => ({ ...none, ...over });

describe("attributionFromUrl", () => {
  test.each<[string, string | null | undefined, Attribution]>([
    ["all five UTM parameters",
      "https://example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&utm_term=running+shoes&utm_content=ad_a",
      a({ utmSource: "google", utmMedium: "cpc", utmCampaign: "spring_sale", utmTerm: "running shoes", utmContent: "ad_a" })],
    ["Google Ads auto-tagging", "https://example.com/landing?gclid=Cj0KCQjw-uK0BhC0ARIsANQtgGM&gad_source=1", a({ clickId: "gclid" })],
    ["Facebook share with fbclid", "https://example.com/post?fbclid=IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk", a({ clickId: "fbclid" })],
    ["Meta ad", "https://example.com/?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget&fbclid=abc",
      a({ utmSource: "facebook", utmMedium: "paid_social", utmCampaign: "retarget", clickId: "fbclid" })],
    ["Microsoft Ads", "https://example.com/?msclkid=5c1d3b0a1f2e1c6f9e8d7c6b5a4f3e2d&utm_source=bing&utm_medium=cpc",
      a({ utmSource: "bing", utmMedium: "cpc", clickId: "msclkid" })],
    ["TikTok ad", "https://example.com/?ttclid=E.C.P.CpIBxyz", a({ clickId: "ttclid" })],
    ["gclid wins over fbclid", "https://example.com/?fbclid=a&gclid=b", a({ clickId: "gclid" })],
    ["upper-case parameter names", "https://example.com/?UTM_SOURCE=Newsletter&Utm_Medium=Email&GCLID=x",
      a({ utmSource: "Newsletter", utmMedium: "Email", clickId: "gclid" })],
    ["values keep their case and are trimmed", "https://example.com/?utm_source=%20%20LinkedIn%20&utm_campaign=+Q3+Launch+",
      a({ utmSource: "LinkedIn", utmCampaign: "Q3 Launch" })],
    ["empty values are null", "https://example.com/?utm_source=&utm_medium=%20&utm_campaign=x&gclid=", a({ utmCampaign: "x" })],
    ["first non-empty occurrence wins", "https://example.com/?utm_source=&utm_source=twitter&utm_source=x", a({ utmSource: "twitter" })],
    ["percent-encoded UTF-8", "https://example.com/?utm_campaign=%C3%A9t%C3%A9%202024", a({ utmCampaign: "été 2024" })],
    ["bad percent-encoding does not throw", "https://example.com/?utm_source=%E0%A4%A&utm_medium=100%&utm_campaign=%zz",
      a({ utmSource: "\uFFFD%A", utmMedium: "100%", utmCampaign: "%zz" })],
    ["control characters are removed", "https://example.com/?utm_source=evil%0D%0ASet-Cookie:%20x", a({ utmSource: "evil Set-Cookie: x" })],
    ["relative URL", "/signup?utm_source=podcast&utm_medium=audio", a({ utmSource: "podcast", utmMedium: "audio" })],
    ["query after the hash is ignored (hash routing)", "https://example.com/#/page?utm_source=x", none],
    ["hash after the query is cut off", "https://example.com/?utm_source=news#utm_medium=x", a({ utmSource: "news" })],
    ["malformed URL with a query", "ht!tp:/// bad url ?utm_source=still&utm_medium=parsed", a({ utmSource: "still", utmMedium: "parsed" })],
    ["no query", "https://example.com/pricing", none],
    ["other parameters only", "https://example.com/?ref=producthunt&page=2", none],
    ["null", null, none],
    ["undefined", undefined, none],
    ["empty string", "", none],
    ["garbage", "%%%???&&&===", none],
  ])("%s", (_label, url, expected) => {
    expect(attributionFromUrl(url)).toEqual(expected);
  });

  test("values are capped to 200 characters without splitting a surrogate pair", () => {
    const long = attributionFromUrl(`https://example.com/?utm_campaign=${"x".repeat(500)}`);
    expect(long.utmCampaign).toBe("x".repeat(200));
    const emoji = attributionFromUrl(`https://example.com/?utm_content=${encodeURIComponent("😀".repeat(300))}`);
    expect(Array.from(emoji.utmContent!)).toHaveLength(200);
    expect(emoji.utmContent).toBe("😀".repeat(200));
  });

  test("parameter name __proto__ is harmless", () => {
    const r = attributionFromUrl("https://example.com/?__proto__=x&constructor=y&utm_source=ok");
    expect(r).toEqual(a({ utmSource: "ok" }));
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });
});

describe("hasCampaign", () => {
  test.each<[string, boolean, Attribution]>([
    ["nothing", false, none],
    ["utm_source", true, a({ utmSource: "x" })],
    ["utm_medium", true, a({ utmMedium: "x" })],
    ["utm_campaign", true, a({ utmCampaign: "x" })],
    ["utm_term", true, a({ utmTerm: "x" })],
    ["utm_content", true, a({ utmContent: "x" })],
    ["click id only", true, a({ clickId: "gclid" })],
  ])("%s → %p", (_label, expected, attribution) => {
    expect(hasCampaign(attribution)).toBe(expected);
  });
});
