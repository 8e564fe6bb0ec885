// The chart's x axis labels buckets at a regular step on the clock: every hour while
// they fit (Today at 06:xx shows 00:00 … 06:00, 03:00 included), else every 2/4/… hours.
import { expect, test } from "bun:test";
import { labelledBuckets, chartCard } from "../../views/analytics/chart";
import type { Series } from "../../src/store/dashboard-views";
import { parsePeriod } from "../../src/analytics/period";

const HOUR = 3_600_000;

function hours(startUtc: number, n: number): Series {
  return { metric: "visitors", bucket: "hour", points: Array.from({ length: n }, (_, i) => ({ at: startUtc + i * HOUR, value: (i % 3) + 1 })), totalVisitors: null, currency: null, otherCurrencies: [] };
}

const labels = (markup: string) => [...markup.matchAll(/<span(?: class="minor")?>(\d{2}:\d{2})<\/span>/g)].map((m) => m[1]);

test.each([1, 2, 5, 6, 7, 8, 11, 12])("Today with %i hours so far labels every hour", (n) => {
  const series = hours(Date.UTC(2026, 11, 2), n);
  const now = Date.UTC(2026, 11, 2, n - 1, 30);
  const period = parsePeriod({ range: "today" }, "UTC", now);
  const markup = String(chartCard({ funnelId: "f", preset: "today", fromDate: null, toDate: null, tzParam: null, filters: [], metric: "visitors" }, series, period));
  expect(labels(markup)).toEqual(Array.from({ length: n }, (_, i) => `${String(i).padStart(2, "0")}:00`));
});

test("a whole day labels every other hour on the clock, in the funnel's zone", () => {
  // Europe/Paris is UTC+1 in December: local midnight is 23:00 UTC the day before.
  const series = hours(Date.UTC(2026, 11, 1, 23), 24);
  const flags = labelledBuckets(series, "Europe/Paris");
  expect(flags.filter(Boolean)).toHaveLength(12);
  expect(flags.slice(0, 5)).toEqual([true, false, true, false, true]);
  const period = parsePeriod({ range: "yesterday" }, "Europe/Paris", Date.UTC(2026, 11, 3, 12));
  const markup = String(chartCard({ funnelId: "f", preset: "yesterday", fromDate: null, toDate: null, tzParam: null, filters: [], metric: "visitors" }, series, period));
  expect(labels(markup)).toEqual(["00:00", "02:00", "04:00", "06:00", "08:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00", "22:00"]);
  expect(markup).toContain('<span class="minor">02:00</span>'); // every other one hides on a phone
  expect(markup.slice(markup.indexOf("chart-x")).match(/<span><\/span>/g)).toHaveLength(12); // one slot per hour, spaced like the points
});

test("days: every k-th day so that at most eight show", () => {
  const days = (n: number) => labelledBuckets({ bucket: "day", points: Array.from({ length: n }, (_, i) => ({ at: Date.UTC(2026, 10, 1 + i), value: 0 })) }, "UTC");
  expect(days(7).every(Boolean)).toBe(true);
  expect(days(30).filter(Boolean).length).toBeLessThanOrEqual(12);
  expect(days(30).slice(0, 4)).toEqual([true, false, false, true]);
});
