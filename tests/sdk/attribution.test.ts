import { describe, expect, test } from "bun:test";
import { parseAttribution } from "../../sdk/src/attribution";

describe("parseAttribution", () => {
  test.each([
    ["", null],
    ["?q=shoes&page=2", null],
    ["?utm_source=", null],
    [
      "?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&utm_term=running+shoes&utm_content=hero",
      { utm_source: "newsletter", utm_medium: "email", utm_campaign: "spring_sale", utm_term: "running shoes", utm_content: "hero" },
    ],
    ["?utm_source=google&gclid=Cj0KCQiA", { utm_source: "google", click_id: "gclid" }],
    ["?fbclid=IwAR3x", { click_id: "fbclid" }],
    ["?msclkid=abc&gclid=first", { click_id: "gclid" }],
    ["?fbclid=organic-share&ttclid=ad", { click_id: "ttclid" }],
    ["?utm_campaign=caf%C3%A9%20d%C3%A9j%C3%A0", { utm_campaign: "café déjà" }],
    ["?UTM_SOURCE=upper", null],
  ])("%p", (search, expected) => {
    expect(parseAttribution(search)).toEqual(expected);
  });

  test("values are cut to 200 characters", () => {
    expect(parseAttribution(`?utm_source=${"x".repeat(500)}`)!.utm_source).toHaveLength(200);
  });

  test("every key is one the server reads from props", () => {
    const a = parseAttribution("?utm_source=a&utm_medium=b&utm_campaign=c&utm_term=d&utm_content=e&ttclid=f")!;
    expect(Object.keys(a).sort()).toEqual(["click_id", "utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term"]);
  });
});
