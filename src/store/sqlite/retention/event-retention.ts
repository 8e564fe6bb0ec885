// Deleting from the SQLite event plane: a funnel's events and visits before a cutoff,
// in chunks with a pause between them so ingest and the dashboard never wait long for
// the write lock; everything of a deleted funnel, inside the caller's transaction.
// Rollups follow through the registry. Rows carry the funnel's key (../layout); a
// funnel without one has recorded nothing here.
//
// Dictionary rows (strings, kinds, clients, places, sources) and visitors are left
// after retention: they are shared or referenced without an index to check it by,
// and the writer keeps their ids in its caches for the life of the process.
import type { Database } from "bun:sqlite";
import type { EventRetention, RetentionResult } from "../../event-retention";
import type { ChunkOptions, RollupRegistry } from "../../rollup-registry";
import { funnelKey } from "../layout";

const CHUNK = 2000;

/** A deleted funnel's rows, in the order deletion empties them: by its key, or by its public id. */
const FORGET: [sql: string, by: "key" | "id"][] = [
  // Links of its visitors, and of its contacts (the same ones, unless a row is stray).
  ["DELETE FROM contact_visitors WHERE visitor IN (SELECT key FROM visitors WHERE funnel = ?)", "key"],
  ["DELETE FROM contact_visitors WHERE contact_id IN (SELECT id FROM contacts WHERE funnel_id = ?)", "id"],
  ["DELETE FROM contacts WHERE funnel_id = ?", "id"],
  ["DELETE FROM sessions WHERE funnel = ?", "key"],
  ["DELETE FROM events WHERE funnel = ?", "key"],
  ["DELETE FROM visitors WHERE funnel = ?", "key"],
];

export class SqliteEventRetention implements EventRetention {
  private deleteEvents;
  private deleteSessions;
  private forget;

  constructor(
    private sqlite: Database,
    private rollups: RollupRegistry,
  ) {
    this.deleteEvents = sqlite.prepare<unknown, [number, number, number]>(
      "DELETE FROM events WHERE row_id IN (SELECT row_id FROM events WHERE funnel = ?1 AND ts < ?2 LIMIT ?3)",
    );
    // A visit ends after it starts: (funnel, started_at) bounds the search.
    this.deleteSessions = sqlite.prepare<unknown, [number, number, number]>(
      `DELETE FROM sessions WHERE key IN (SELECT key FROM sessions
         WHERE funnel = ?1 AND started_at < ?2 AND last_at < ?2 LIMIT ?3)`,
    );
    this.forget = FORGET.map(([sql, by]) => ({ stmt: sqlite.prepare<unknown, [number | string | null]>(sql), by }));
  }

  async deleteBefore(funnelId: string, cutoff: number, opts: ChunkOptions = {}): Promise<RetentionResult> {
    const chunk = opts.chunk ?? CHUNK;
    const stopped = opts.stopped ?? (() => false);
    const total: RetentionResult = { events: 0, sessions: 0 };
    const key = funnelKey(this.sqlite, funnelId);
    if (key !== null) {
      for (const [stmt, what] of [[this.deleteEvents, "events"], [this.deleteSessions, "sessions"]] as const) {
        while (!stopped()) {
          const n = stmt.run(key, cutoff, chunk).changes;
          total[what] += n;
          if (n < chunk) break;
          await Bun.sleep(opts.pauseMs ?? 5);
        }
        if (stopped()) return total;
      }
    }
    await this.rollups.deleteBefore(funnelId, cutoff, opts);
    return total;
  }

  /**
   * The funnel's key row stays (a few bytes): the writer caches keys, and a key freed
   * here could be given to a new funnel while a cache still maps the old one to it.
   */
  forgetFunnel(funnelId: string): void {
    const key = funnelKey(this.sqlite, funnelId); // null: `funnel = NULL` matches nothing
    for (const { stmt, by } of this.forget) stmt.run(by === "key" ? key : funnelId);
    this.rollups.forgetFunnel(funnelId);
  }
}
