// Which refused origins may read their 403: install slips of an allowed origin only.
import { expect, test } from "bun:test";
import { isNearMissOrigin } from "../../src/ingest/origin-near-miss";

test.each([
  ["http://127.0.0.1:5173", ["http://localhost:5173"], true],
  ["http://localhost:5173", ["http://127.0.0.1:5173"], true],
  ["http://localhost:3000", ["http://localhost:5173"], true],
  ["https://www.shop.example", ["https://shop.example"], true],
  ["https://shop.example", ["https://www.shop.example"], true],
  ["http://shop.example", ["https://shop.example"], true],
  ["https://evil.example", ["https://shop.example"], false],
  ["https://shop.example.evil.example", ["https://shop.example"], false],
  ["https://evil.example", [], false],
  ["null", ["https://shop.example"], false],
] as const)("%s against %j → %s", (origin, allowed, expected) => {
  expect(isNearMissOrigin(origin, [...allowed])).toBe(expected);
});
