// What the live hub (src/live/hub.ts) reads from SQLite: the newest event's row id
// (where a new stream starts), the rows after a cursor in one snapshot (so the rows
// and the cursor they lead to agree), and the "right now" panel.
import type { Database } from "bun:sqlite";
import type { Filter } from "../../../analytics/filters";
import { liveEvents, type LiveOptions, type LiveResult } from "../../../analytics/live-events";
import { liveNow, type LiveNow } from "../../../analytics/live-now";

export interface LiveSource {
  latestRowId(): number;
  eventsAfter(funnelId: string, filters: Filter[], cursor: number, now: number, opts: LiveOptions): LiveResult;
  now(funnelId: string, now: number): LiveNow;
}

export function sqliteLiveSource(sqlite: Database): LiveSource {
  const latest = sqlite.prepare<{ id: number | null }, []>("SELECT max(row_id) AS id FROM events");
  return {
    latestRowId: () => latest.get()!.id ?? 0,
    eventsAfter: (funnelId, filters, cursor, now, opts) => sqlite.transaction(() => liveEvents(sqlite, funnelId, filters, cursor, now, opts))(),
    now: (funnelId, now) => liveNow(sqlite, funnelId, now),
  };
}
