// Runs inside the ingest transaction: marks the hours whose rollups new events change.
// Rollups are keyed by the hour a visit started, so that hour is marked; when an event
// became its visit's first (a late event), the visit's old start lies somewhere in its
// span, so every hour of the span is marked. Today's hours need no mark (read live),
// but marking them costs nothing and keeps the rule simple.
import type { Database } from "bun:sqlite";
import { HOUR_MS } from "../../../analytics/timezone";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { encodePublicId } from "../layout";

/** A visit by its public ids: the funnel's key and the encoded visit id, both by index. */
const BY_PUBLIC = "funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?) AND public_id = ?";

const MAX_SPAN_HOURS = 72;

export function hourMarker(sqlite: Database): (events: readonly StoredEvent[]) => void {
  const sessionSpan = sqlite.prepare<{ started_at: number; last_at: number }, [string, string | Uint8Array]>(
    `SELECT started_at, last_at FROM sessions WHERE ${BY_PUBLIC}`,
  );
  const mark = sqlite.prepare("INSERT OR IGNORE INTO rollup_dirty_hours (funnel_id, hour) VALUES (?, ?)");
  return (events) => {
    const earliest = new Map<string, { funnelId: string; sessionId: string; ts: number }>();
    for (const e of events) {
      const key = `${e.funnelId}\u0000${e.sessionId}`;
      const seen = earliest.get(key);
      if (!seen) earliest.set(key, { funnelId: e.funnelId, sessionId: e.sessionId, ts: e.ts });
      else if (e.ts < seen.ts) seen.ts = e.ts;
    }
    for (const { funnelId, sessionId, ts } of earliest.values()) {
      const span = sessionSpan.get(funnelId, encodePublicId(sessionId));
      if (!span) continue;
      const first = Math.floor(span.started_at / HOUR_MS);
      const last = ts <= span.started_at ? Math.min(Math.floor(span.last_at / HOUR_MS), first + MAX_SPAN_HOURS) : first;
      for (let h = first; h <= last; h++) mark.run(funnelId, h);
    }
  };
}

/** Marks the hour a visit started: its rollups change when a conversion in it stops counting. */
export function visitDirtier(sqlite: Database): (funnelId: string, sessionId: string) => void {
  const mark = sqlite.prepare(
    `INSERT OR IGNORE INTO rollup_dirty_hours (funnel_id, hour)
     SELECT ?1, started_at / ${HOUR_MS} FROM sessions WHERE funnel = (SELECT key FROM funnel_keys WHERE funnel_id = ?1) AND public_id = ?2`,
  );
  return (funnelId, sessionId) => void mark.run(funnelId, encodePublicId(sessionId));
}
