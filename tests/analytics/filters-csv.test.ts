// Filters come from a fixed whitelist and are bound, never pasted; CSV cells are safe in a spreadsheet.
import { describe, expect, test } from "bun:test";
import { csvCell, csvRow } from "../../src/analytics/csv";
import { parseFilters } from "../../src/analytics/filters";
import { sessionWhere } from "../../src/store/sqlite/dashboard/scope-sql";
import { AppError } from "../../src/http/errors";

describe("filters", () => {
  test("only whitelisted keys become filters, in a fixed order, last value wins", () => {
    const f = parseFilters({ page: "/pricing", "utm_source'; --": "x", source: ["google", "facebook"], range: "7d", referrer: "" });
    expect(f).toEqual([
      { key: "referrer", value: "" },
      { key: "source", value: "facebook" },
      { key: "page", value: "/pricing" },
    ]);
  });

  test("values are bound parameters; the SQL holds only our column names", () => {
    const hostile = "x' OR 1=1 --";
    const w = sessionWhere({ funnelId: "fn_1", key: 7, from: 1, to: 2, filters: [{ key: "source", value: hostile }, { key: "page", value: hostile }, { key: "referrer", value: "" }] });
    expect(w.sql).not.toContain(hostile);
    expect(w.sql).toContain("s.source IN (SELECT id FROM sources WHERE utm_source = ?)");
    expect(w.sql).toContain("(s.source IS NULL OR s.source IN (SELECT id FROM sources WHERE referrer_host IS NULL))");
    expect(w.sql).toContain("path = (SELECT id FROM strings WHERE value = ?)");
    expect(w.params).toEqual([7, 1, 2, hostile, 7, hostile, 1, 2 + 86_400_000]);
  });

  test("overlong values are refused with the key named", () => {
    expect(() => parseFilters({ campaign: "x".repeat(1001) })).toThrow(AppError);
    expect(() => parseFilters({ campaign: "x".repeat(1001) })).toThrow(/campaign/);
  });
});

describe("csv", () => {
  test.each([
    ["=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""],
    ["+1", "'+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["plain", "plain"],
    ["a,b", "\"a,b\""],
    ["line\nbreak", "\"line\nbreak\""],
    ["say \"hi\"", "\"say \"\"hi\"\"\""],
    ["", ""],
  ])("%j → %j", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  test("numbers, booleans and nulls; rows end with CRLF", () => {
    expect(csvRow([1, -2.5, true, null, undefined, "x"])).toBe("1,-2.5,true,,,x\r\n");
  });
});
