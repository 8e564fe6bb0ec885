// The names a funnel's events go by: the conversions' and identifies' names tell the
// events panel which rows are which.
import type { Database } from "bun:sqlite";
import type { EventNameKinds } from "../../../analytics/event-kinds";
import { funnelKey } from "../layout";

/**
 * The distinct names events of one type go by, in name order, at most `cap`: the
 * kinds of that type (a small dictionary shared by every funnel) that the funnel has
 * at least one event of, one index seek in (funnel, kind, …) each.
 */
export function distinctEventNames(sqlite: Database, funnelId: string, type: string, cap = 1000): string[] {
  return sqlite
    .query<{ name: string }, [string, number | null, number]>(
      `SELECT k.name AS name FROM kinds k WHERE k.type = ?
         AND EXISTS (SELECT 1 FROM events e INDEXED BY events_funnel_kind WHERE e.funnel = ? AND e.kind = k.id)
       ORDER BY k.name LIMIT ?`,
    )
    .all(type, funnelKey(sqlite, funnelId), cap)
    .map((r) => r.name);
}

/** The names a funnel's conversions and identifies go by. */
export function eventNameKinds(sqlite: Database, funnelId: string): EventNameKinds {
  return {
    conversions: new Set(distinctEventNames(sqlite, funnelId, "conversion")),
    identifies: new Set(distinctEventNames(sqlite, funnelId, "identify")),
  };
}
