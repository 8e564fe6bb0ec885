// Every way the dashboard groups and filters visits: a fixed whitelist. Keys come from
// URLs; column names and SQL expressions come only from this table, never from input.

export type DimensionKind = "session" | "page" | "event";

/** The dictionary a visit's dimension lives in: sessions.<ref> holds its id (compact layout, docs/storage.md). */
export type DimensionDictionary = "sources" | "clients" | "places" | "strings";

export interface Dimension {
  key: DimensionKey;
  label: string;
  kind: DimensionKind;
  /**
   * The value's column: for session dimensions in the dictionary row (and, under the
   * same name, in a visit's row as the rollup builder reads it, see sessionValue); for
   * page and event dimensions the event's path or name.
   */
  column: string;
  /** Session dimensions: the sessions column holding the dictionary id, and the dictionary. */
  ref: "source" | "client" | "place" | "entry_path" | "exit_path" | null;
  dictionary: DimensionDictionary | null;
  /** The dictionary's column the value is (for strings: "value"). */
  dictionaryColumn: string;
  /**
   * Session dimensions: the grouped value as SQL over the dictionary row `d` (NULL
   * when the visit has no id), "" for none; our own constant text. Regions and cities
   * carry their country (and region) before a \x1f separator so "Portland, US" and
   * "Portland, … " stay apart.
   */
  valueSql: string;
}

export const DIMENSION_KEYS = [
  "channel", "referrer", "source", "medium", "campaign", "term", "content",
  "browser", "os", "device", "country", "region", "city", "entry", "exit", "page", "event",
] as const;
export type DimensionKey = (typeof DIMENSION_KEYS)[number];

const DICTIONARY_OF = { source: "sources", client: "clients", place: "places", entry_path: "strings", exit_path: "strings" } as const;

const session = (key: DimensionKey, label: string, column: string, ref: keyof typeof DICTIONARY_OF, valueSql?: string): Dimension => {
  const dictionaryColumn = DICTIONARY_OF[ref] === "strings" ? "value" : column;
  return {
    key, label, kind: "session", column, ref, dictionary: DICTIONARY_OF[ref], dictionaryColumn,
    valueSql: valueSql ?? `coalesce(d.${dictionaryColumn}, '')`,
  };
};

export const DIMENSIONS: Record<DimensionKey, Dimension> = {
  channel: session("channel", "Channel", "channel", "source"),
  referrer: session("referrer", "Referrer", "referrer_host", "source"),
  source: session("source", "UTM source", "utm_source", "source"),
  medium: session("medium", "UTM medium", "utm_medium", "source"),
  campaign: session("campaign", "UTM campaign", "utm_campaign", "source"),
  term: session("term", "UTM term", "utm_term", "source"),
  content: session("content", "UTM content", "utm_content", "source"),
  browser: session("browser", "Browser", "browser", "client"),
  os: session("os", "Operating system", "os", "client"),
  device: session("device", "Device", "device", "client"),
  country: session("country", "Country", "country", "place"),
  region: session("region", "Region", "region", "place", "CASE WHEN d.region IS NULL THEN '' ELSE coalesce(d.country, '') || char(31) || d.region END"),
  city: session(
    "city", "City", "city", "place",
    "CASE WHEN d.city IS NULL THEN '' ELSE coalesce(d.country, '') || char(31) || coalesce(d.region, '') || char(31) || d.city END",
  ),
  entry: session("entry", "Entry page", "entry_path", "entry_path"),
  exit: session("exit", "Exit page", "exit_path", "exit_path"),
  page: { key: "page", label: "Page", kind: "page", column: "path", ref: null, dictionary: null, dictionaryColumn: "value", valueSql: "coalesce(d.value, '')" },
  event: { key: "event", label: "Event", kind: "event", column: "name", ref: null, dictionary: null, dictionaryColumn: "name", valueSql: "d.name" },
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
