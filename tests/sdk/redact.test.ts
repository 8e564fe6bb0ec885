// The SDK's URL cleaning agrees with the server's (src/enrich/url-privacy.ts) on the
// URLs a browser produces.
import { expect, test } from "bun:test";
import { cleanUrl } from "../../sdk/src/redact";
import { privateUrl } from "../../src/enrich/url-privacy";

test.each([
  "https://shop.example/thanks?email=jo%40example.com&phone=%2B33612345678&name=Jo",
  "https://shop.example/thanks?email=jo@example.com&utm_source=news",
  "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&gclid=abc",
  "https://shop.example/?fbclid=IwAR1&msclkid=x&ttclid=y&twclid=z&li_fat_id=w&gbraid=v&wbraid=u",
  "https://shop.example/?ref=producthunt&source=newsletter&via=jo&q=shoes",
  "https://shop.example/users/jo.doe+news@example.co.uk/orders",
  "https://shop.example/?ref=jo%40example.com",
  "https://shop.example/welcome#email=jo@example.com",
  "https://shop.example/pricing",
  "https://shop.example/pricing?",
  "https://shop.example/a?x=1#/route?email=a@b.example",
  "https://shop.example/p?plan=pro&coupon=SPRING&email=a@b.example",
  "",
])("%s", (url) => {
  expect(cleanUrl(url, ["plan"])).toBe(privateUrl(url, ["plan"]));
  expect(cleanUrl(url)).toBe(privateUrl(url));
});
