// The names a funnel's events go by, read from the (funnel_id, type, name, …) index:
// the conversions' and identifies' names tell the events panel which rows are which.
import type { Database } from "bun:sqlite";
import type { EventNameKinds } from "../../../analytics/event-kinds";

/**
 * The distinct names events of one type go by, in name order, at most `cap`: one
 * index seek per name in (funnel_id, type, name, …), so the cost grows with the
 * names, not with the events.
 */
export function distinctEventNames(sqlite: Database, funnelId: string, type: string, cap = 1000): string[] {
  const next = sqlite.query<{ name: string | null }, [string, string, string]>(
    "SELECT min(name) AS name FROM events INDEXED BY events_funnel_type_name WHERE funnel_id = ? AND type = ? AND name > ?",
  );
  const out: string[] = [];
  for (let after = ""; out.length < cap; ) {
    const name = next.get(funnelId, type, after)?.name;
    if (name === null || name === undefined) break;
    out.push(name);
    after = name;
  }
  return out;
}

/** The names a funnel's conversions and identifies go by. */
export function eventNameKinds(sqlite: Database, funnelId: string): EventNameKinds {
  return {
    conversions: new Set(distinctEventNames(sqlite, funnelId, "conversion")),
    identifies: new Set(distinctEventNames(sqlite, funnelId, "identify")),
  };
}
