import { expect, test } from "bun:test";
import { largestFirst } from "../../src/reports/digest-data";

test("the digest lists other currencies largest first, whatever order the event store grouped them in", () => {
  // ClickHouse and SQLite group currencies in different orders: the same digest from both.
  const fromOneStore = { GBP: { verifiedNet: 68_000 }, EUR: { verifiedNet: 78_600 }, CHF: { verifiedNet: 68_000 } };
  const fromAnother = { CHF: { verifiedNet: 68_000 }, EUR: { verifiedNet: 78_600 }, GBP: { verifiedNet: 68_000 } };
  const expected = [
    { currency: "EUR", verifiedNet: 78_600 },
    { currency: "CHF", verifiedNet: 68_000 },
    { currency: "GBP", verifiedNet: 68_000 },
  ];
  expect(largestFirst(fromOneStore)).toEqual(expected);
  expect(largestFirst(fromAnother)).toEqual(expected);
});
