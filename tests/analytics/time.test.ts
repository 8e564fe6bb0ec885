// Time zones and date ranges: local midnights across DST, presets, previous periods, buckets.
import { describe, expect, test } from "bun:test";
import { bucketStarts, parsePeriod } from "../../src/analytics/period";
import { localDate, localMidnight, offsetAt, offsetSegments, startOfLocalDay, validTimeZone } from "../../src/analytics/timezone";
import { AppError } from "../../src/http/errors";

const H = 3_600_000;
const D = 24 * H;
const at = (iso: string) => Date.parse(iso);

describe("time zones", () => {
  test("accepts IANA names and UTC, refuses anything else", () => {
    expect(validTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(validTimeZone("UTC")).toBe("UTC");
    for (const bad of ["Mars/Olympus", "", null, "Europe/Berlin'; DROP", "<script>", "x".repeat(80)]) expect(validTimeZone(bad)).toBeNull();
  });

  test.each([
    ["Europe/Berlin", "2026-01-15T12:00:00Z", 1 * H],
    ["Europe/Berlin", "2026-07-15T12:00:00Z", 2 * H],
    ["America/Los_Angeles", "2026-01-15T12:00:00Z", -8 * H],
    ["Asia/Kolkata", "2026-01-15T12:00:00Z", 5.5 * H],
    ["Asia/Kathmandu", "2026-01-15T12:00:00Z", 5.75 * H],
    ["UTC", "2026-01-15T12:00:00Z", 0],
  ])("offset of %s at %s", (tz, iso, offset) => {
    expect(offsetAt(at(iso), tz)).toBe(offset);
  });

  test("local midnights, including the days clocks change", () => {
    expect(localMidnight(2026, 3, 29, "Europe/Berlin")).toBe(at("2026-03-28T23:00:00Z"));
    expect(localMidnight(2026, 3, 30, "Europe/Berlin")).toBe(at("2026-03-29T22:00:00Z"));
    expect(localMidnight(2026, 10, 25, "Europe/Berlin")).toBe(at("2026-10-24T22:00:00Z"));
    expect(localMidnight(2026, 1, 1, "America/New_York")).toBe(at("2026-01-01T05:00:00Z"));
    // Month and day overflow like Date.UTC.
    expect(localMidnight(2026, 13, 1, "UTC")).toBe(at("2027-01-01T00:00:00Z"));
    expect(localMidnight(2026, 3, 0, "UTC")).toBe(at("2026-02-28T00:00:00Z"));
    expect(startOfLocalDay(at("2026-03-29T12:00:00Z"), "Europe/Berlin")).toBe(at("2026-03-28T23:00:00Z"));
    expect(localDate(at("2026-03-28T23:30:00Z"), "Europe/Berlin")).toBe("2026-03-29");
  });

  test("offset segments split a range at DST changes", () => {
    const segs = offsetSegments(at("2026-03-20T00:00:00Z"), at("2026-04-05T00:00:00Z"), "Europe/Berlin");
    expect(segs).toHaveLength(2);
    expect(segs[0]).toEqual({ until: at("2026-03-29T01:00:00Z"), offset: H });
    expect(segs[1].offset).toBe(2 * H);
    expect(offsetSegments(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), "UTC")).toEqual([{ until: Number.MAX_SAFE_INTEGER, offset: 0 }]);
  });
});

describe("periods", () => {
  const now = at("2026-03-31T10:20:00Z"); // 12:20 in Berlin (summer time since the 29th)

  test("last 7 days in Berlin: local midnight six days ago to the next whole hour, compared with the 7 days before", () => {
    const p = parsePeriod({ range: "7d" }, "Europe/Berlin", now);
    expect(p.from).toBe(at("2026-03-24T23:00:00Z"));
    expect(p.to).toBe(at("2026-03-31T11:00:00Z"));
    expect(p.previous).toEqual({ from: p.from - (p.to - p.from), to: p.from });
    expect(p.bucket).toBe("day");
  });

  test("today and yesterday use hourly buckets; yesterday is the whole local day", () => {
    const today = parsePeriod({ range: "today" }, "Europe/Berlin", now);
    expect([today.from, today.to, today.bucket]).toEqual([at("2026-03-30T22:00:00Z"), at("2026-03-31T11:00:00Z"), "hour"]);
    expect(today.previous).toEqual({ from: at("2026-03-30T09:00:00Z"), to: at("2026-03-30T22:00:00Z") });
    const y = parsePeriod({ range: "yesterday" }, "Europe/Berlin", now);
    expect([y.from, y.to]).toEqual([at("2026-03-29T22:00:00Z"), at("2026-03-30T22:00:00Z")]);
  });

  test("this month and last month", () => {
    const m = parsePeriod({ range: "month" }, "UTC", now);
    expect([m.from, m.to]).toEqual([at("2026-03-01T00:00:00Z"), at("2026-03-31T11:00:00Z")]);
    const l = parsePeriod({ range: "lastmonth" }, "UTC", now);
    expect([l.from, l.to]).toEqual([at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z")]);
  });

  test("custom ranges are inclusive local dates, checked", () => {
    const c = parsePeriod({ range: "custom", from: "2026-03-01", to: "2026-03-02" }, "America/New_York", now);
    expect([c.from, c.to, c.bucket]).toEqual([at("2026-03-01T05:00:00Z"), at("2026-03-03T05:00:00Z"), "hour"]);
    const bad: [Record<string, string>, string][] = [
      [{ range: "custom", from: "2026-03-05", to: "2026-03-01" }, "to:"],
      [{ range: "custom", from: "2026-02-30", to: "2026-03-01" }, "from:"],
      [{ range: "custom", from: "yesterday", to: "2026-03-01" }, "from:"],
      [{ range: "custom", to: "2026-03-01" }, "from:"],
      [{ range: "forever" }, "range:"],
      [{ range: "custom", from: "2020-01-01", to: "2026-03-01" }, "at most"],
    ];
    for (const [q, message] of bad) {
      let err: unknown = null;
      try {
        parsePeriod(q, "UTC", now);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).message).toContain(message);
    }
  });

  test("day buckets follow local midnights across a DST change; hour buckets are whole hours", () => {
    const p = parsePeriod({ range: "custom", from: "2026-03-28", to: "2026-03-30" }, "Europe/Berlin", now);
    const starts = bucketStarts(p);
    expect(starts).toEqual([at("2026-03-27T23:00:00Z"), at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")]);
    const t = parsePeriod({ range: "today" }, "UTC", now);
    expect(bucketStarts(t)).toHaveLength(11);
    expect(bucketStarts(t)[1] - bucketStarts(t)[0]).toBe(H);
    expect(D).toBe(86_400_000);
  });
});
