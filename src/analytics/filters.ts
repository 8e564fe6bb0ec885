// Dashboard filters from the URL (?source=facebook&page=/pricing), validated against
// the dimension whitelist (the SQL that restricts visits to them: src/store/sqlite/dashboard/scope-sql.ts).
//
// Filters describe visits: a visit matches when its own attributes match (source,
// device, entry page, …) and, for page and event filters, when it viewed that page
// or did that event. Every panel then counts within the matching visits.
import { InvalidInput } from "../http/errors";
import { DIMENSION_KEYS, type DimensionKey } from "./dimensions";

export interface Filter {
  key: DimensionKey;
  /** "" matches visits where the value is absent (e.g. no referrer). */
  value: string;
}

const MAX_VALUE_LENGTH = 1000;

/** Filters in a fixed order (the whitelist's), one value per key: the last one given wins. */
export function parseFilters(query: Record<string, string | string[] | undefined>): Filter[] {
  const out: Filter[] = [];
  for (const key of DIMENSION_KEYS) {
    const raw = query[key];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value.length > MAX_VALUE_LENGTH) throw new InvalidInput("invalid_query", `${key}: at most ${MAX_VALUE_LENGTH} characters`);
    out.push({ key, value });
  }
  return out;
}

export interface Scope {
  funnelId: string;
  from: number;
  to: number;
  filters: Filter[];
}

export function hasFilters(scope: Scope): boolean {
  return scope.filters.length > 0;
}
