// Digest periods and send times in a zone, DST weeks included.
import { expect, test } from "bun:test";
import { customPeriod, lastMonth, lastWeek, nextRunAt, PeriodError } from "../../src/reports/period";
import { lastRunAt } from "../../src/reports/schedule";

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

test("weekly: Monday 09:00 local, across the spring-forward week in Berlin", () => {
  // Sunday 29 March 2026 the clocks go from 02:00 CET to 03:00 CEST.
  expect(iso(nextRunAt("weekly", Date.parse("2026-03-20T12:00:00Z"), "Europe/Berlin"))).toBe("2026-03-23T08:00:00.000Z");
  expect(iso(nextRunAt("weekly", Date.parse("2026-03-23T08:00:00Z"), "Europe/Berlin"))).toBe("2026-03-30T07:00:00.000Z");
  const week = lastWeek(Date.parse("2026-03-30T07:00:00Z"), "Europe/Berlin");
  expect([iso(week.from), iso(week.to), week.fromDate, week.toDate]).toEqual(["2026-03-22T23:00:00.000Z", "2026-03-29T22:00:00.000Z", "2026-03-23", "2026-03-29"]);
  expect(week.to - week.from).toBe(167 * H);
  expect(week.previous).toEqual({ from: Date.parse("2026-03-15T23:00:00Z"), to: week.from });
});

test("weekly: the fall-back week in New York is 169 hours", () => {
  // Sunday 1 November 2026, 02:00 EDT → 01:00 EST.
  const week = lastWeek(Date.parse("2026-11-02T14:00:00Z"), "America/New_York");
  expect([week.fromDate, week.toDate]).toEqual(["2026-10-26", "2026-11-01"]);
  expect(week.to - week.from).toBe(169 * H);
  expect(iso(nextRunAt("weekly", Date.parse("2026-11-01T12:00:00Z"), "America/New_York"))).toBe("2026-11-02T14:00:00.000Z");
});

test("monthly: the 1st at 09:00 local; last month against the month before", () => {
  expect(iso(nextRunAt("monthly", Date.parse("2026-03-01T08:00:00Z"), "Europe/Berlin"))).toBe("2026-04-01T07:00:00.000Z");
  expect(iso(lastRunAt("monthly", Date.parse("2026-04-01T06:59:59Z"), "Europe/Berlin"))).toBe("2026-03-01T08:00:00.000Z");
  const m = lastMonth(Date.parse("2026-04-01T07:00:00Z"), "Europe/Berlin");
  expect([m.fromDate, m.toDate]).toEqual(["2026-03-01", "2026-03-31"]);
  expect([iso(m.previous.from), iso(m.previous.to)]).toEqual(["2026-01-31T23:00:00.000Z", "2026-02-28T23:00:00.000Z"]);
});

test("explicit dates include both days and compare with as many days before", () => {
  const p = customPeriod("2026-02-01..2026-02-07", "UTC");
  expect([iso(p.from), iso(p.to), iso(p.previous.from)]).toEqual(["2026-02-01T00:00:00.000Z", "2026-02-08T00:00:00.000Z", "2026-01-25T00:00:00.000Z"]);
  expect(() => customPeriod("2026-02-07..2026-02-01", "UTC")).toThrow(PeriodError);
  expect(() => customPeriod("2026-02-30..2026-03-01", "UTC")).toThrow("not a date");
  expect(() => customPeriod("last-year", "UTC")).toThrow("expected last-week, last-month or YYYY-MM-DD..YYYY-MM-DD");
});

test("lastRunAt is the latest send time at or before now", () => {
  expect(iso(lastRunAt("weekly", Date.parse("2026-03-30T07:00:00Z"), "Europe/Berlin"))).toBe("2026-03-30T07:00:00.000Z");
  expect(iso(lastRunAt("weekly", Date.parse("2026-03-30T06:59:59Z"), "Europe/Berlin"))).toBe("2026-03-23T08:00:00.000Z");
});
