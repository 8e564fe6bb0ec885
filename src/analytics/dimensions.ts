// Every way the dashboard groups and filters visits: a fixed whitelist. Keys come from
// URLs; column names and SQL expressions come only from this table, never from input.

export type DimensionKind = "session" | "page" | "event";

export interface Dimension {
  key: DimensionKey;
  label: string;
  kind: DimensionKind;
  /** Session dimensions: the sessions column a filter compares with (alias s). */
  column: string;
  /**
   * The grouped value as SQL over `s` (sessions) or `e` (events), "" for none; our
   * own constant text. Regions and cities carry their country (and region) before
   * a \x1f separator so "Portland, US" and "Portland, … " stay apart.
   */
  valueSql: string;
}

export const DIMENSION_KEYS = [
  "channel", "referrer", "source", "medium", "campaign", "term", "content",
  "browser", "os", "device", "country", "region", "city", "entry", "exit", "page", "event",
] as const;
export type DimensionKey = (typeof DIMENSION_KEYS)[number];

const session = (key: DimensionKey, label: string, column: string): Dimension => ({
  key, label, kind: "session", column, valueSql: `coalesce(s.${column}, '')`,
});

export const DIMENSIONS: Record<DimensionKey, Dimension> = {
  channel: session("channel", "Channel", "channel"),
  referrer: session("referrer", "Referrer", "referrer_host"),
  source: session("source", "UTM source", "utm_source"),
  medium: session("medium", "UTM medium", "utm_medium"),
  campaign: session("campaign", "UTM campaign", "utm_campaign"),
  term: session("term", "UTM term", "utm_term"),
  content: session("content", "UTM content", "utm_content"),
  browser: session("browser", "Browser", "browser"),
  os: session("os", "Operating system", "os"),
  device: session("device", "Device", "device"),
  country: session("country", "Country", "country"),
  region: {
    key: "region", label: "Region", kind: "session", column: "region",
    valueSql: "CASE WHEN s.region IS NULL THEN '' ELSE coalesce(s.country, '') || char(31) || s.region END",
  },
  city: {
    key: "city", label: "City", kind: "session", column: "city",
    valueSql: "CASE WHEN s.city IS NULL THEN '' ELSE coalesce(s.country, '') || char(31) || coalesce(s.region, '') || char(31) || s.city END",
  },
  entry: session("entry", "Entry page", "entry_path"),
  exit: session("exit", "Exit page", "exit_path"),
  page: { key: "page", label: "Page", kind: "page", column: "path", valueSql: "coalesce(e.path, '')" },
  event: { key: "event", label: "Event", kind: "event", column: "name", valueSql: "e.name" },
};

export const SESSION_DIMENSIONS = DIMENSION_KEYS.filter((k) => DIMENSIONS[k].kind === "session");

export function isDimensionKey(raw: unknown): raw is DimensionKey {
  return typeof raw === "string" && (DIMENSION_KEYS as readonly string[]).includes(raw);
}

/** The last part of a composite value ("US\x1fCalifornia" → "California"); "" stays "". */
export function leafValue(value: string): string {
  const i = value.lastIndexOf("\x1f");
  return i === -1 ? value : value.slice(i + 1);
}

/** A visit's columns as the rollup builder reads them (sessions row, snake_case). */
export type SessionColumns = Record<string, string | number | null>;

/** The same value as the dimension's valueSql, computed in JS from a sessions row. */
export function sessionValue(key: DimensionKey, s: SessionColumns): string {
  const str = (column: string) => {
    const v = s[column];
    return v === null || v === undefined ? "" : String(v);
  };
  if (key === "region") return s.region === null ? "" : `${str("country")}\x1f${str("region")}`;
  if (key === "city") return s.city === null ? "" : `${str("country")}\x1f${str("region")}\x1f${str("city")}`;
  return str(DIMENSIONS[key].column);
}
