// URL privacy: what a recorded URL keeps, on tables of real-world URLs.
import { expect, test } from "bun:test";
import { isKeptParam, parseKeptParams, privateUrl } from "../../src/enrich/url-privacy";

test.each([
  // A GET form's fields in the thank-you page's URL.
  ["https://shop.example/thanks?email=jo%40example.com&phone=%2B33612345678&name=Jo", "https://shop.example/thanks"],
  ["https://shop.example/thanks?email=jo@example.com&utm_source=news", "https://shop.example/thanks?utm_source=news"],
  // Campaign tags and click ids stay, in their order and encoding.
  ["https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&gclid=abc", "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&gclid=abc"],
  ["https://shop.example/?fbclid=IwAR1&msclkid=x&ttclid=y&twclid=z&li_fat_id=w&gbraid=v&wbraid=u", "https://shop.example/?fbclid=IwAR1&msclkid=x&ttclid=y&twclid=z&li_fat_id=w&gbraid=v&wbraid=u"],
  ["https://shop.example/?ref=producthunt&source=newsletter&via=jo&q=shoes", "https://shop.example/?ref=producthunt&source=newsletter&via=jo"],
  ["https://shop.example/?UTM_Source=X&utm_id=42&utm_custom=a", "https://shop.example/?UTM_Source=X&utm_id=42&utm_custom=a"],
  ["https://shop.example/?utm%5Fsource=x&token=secret", "https://shop.example/?utm%5Fsource=x"],
  // Email-like values anywhere: path, kept values, fragment, encoded @.
  ["https://shop.example/users/jo.doe+news@example.co.uk/orders", "https://shop.example/users/[email]/orders"],
  ["https://shop.example/?ref=jo%40example.com", "https://shop.example/?ref=[email]"],
  ["https://shop.example/welcome#email=jo@example.com", "https://shop.example/welcome#email=[email]"],
  ["https://shop.example/?ref=jo%2Bx%40mail.example.org", "https://shop.example/?ref=[email]"],
  // Nothing to do, or nothing left.
  ["https://shop.example/pricing", "https://shop.example/pricing"],
  ["https://shop.example/pricing?", "https://shop.example/pricing"],
  ["https://shop.example/a?&&utm_source=x&", "https://shop.example/a?utm_source=x"],
  ["https://shop.example/a?x=1#/route?email=a@b.example", "https://shop.example/a#/route?email=[email]"],
  ["/thanks?email=a%40b.example&coupon=X", "/thanks"],
  ["not a url ?a=1", "not a url "],
  ["https://twitter.example/@aurea", "https://twitter.example/@aurea"],
])("%s → %s", (input, expected) => {
  expect(privateUrl(input)).toBe(expected);
});

test("a funnel's own parameters are kept too", () => {
  expect(privateUrl("https://shop.example/p?plan=pro&coupon=SPRING&email=a@b.example", ["plan", "coupon"])).toBe("https://shop.example/p?plan=pro&coupon=SPRING");
  expect(isKeptParam("Plan", ["plan"])).toBe(true);
  expect(isKeptParam("%ZZ", [])).toBe(false);
});

test("no URL stays no URL", () => {
  expect(privateUrl(null)).toBeNull();
  expect(privateUrl(undefined)).toBeUndefined();
  expect(privateUrl("")).toBe("");
});

test.each([
  ["plan, coupon\nPlan", ["plan", "coupon"], null],
  ["", [], null],
  ["items[]", ["items[]"], null],
  ["a=b", ["a=b"], '"a=b" is not a query parameter name'],
])("kept parameters %p", (input, params, error) => {
  const r = parseKeptParams(input);
  expect(r.params).toEqual(params);
  if (error) expect(r.error).toContain(error);
  else expect(r.error).toBeNull();
});
