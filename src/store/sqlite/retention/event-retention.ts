// Deleting from the SQLite event plane: a funnel's events and visits before a cutoff,
// in chunks with a pause between them so ingest and the dashboard never wait long for
// the write lock; everything of a deleted funnel, inside the caller's transaction.
// Rollups follow through the registry.
import type { Database } from "bun:sqlite";
import type { EventRetention, RetentionResult } from "../../event-retention";
import type { ChunkOptions, RollupRegistry } from "../../rollup-registry";

const CHUNK = 2000;

/** The event plane's tables of one funnel, in the order deletion empties them. */
const FUNNEL_TABLES = ["contact_visitors", "contacts", "sessions", "events"];

export class SqliteEventRetention implements EventRetention {
  private deleteEvents;
  private deleteSessions;
  private forget;

  constructor(
    sqlite: Database,
    private rollups: RollupRegistry,
  ) {
    this.deleteEvents = sqlite.prepare<unknown, [string, number, number]>(
      "DELETE FROM events WHERE row_id IN (SELECT row_id FROM events WHERE funnel_id = ? AND ts < ? LIMIT ?)",
    );
    this.deleteSessions = sqlite.prepare<unknown, [string, number, number]>(
      "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE funnel_id = ? AND last_at < ? LIMIT ?)",
    );
    this.forget = FUNNEL_TABLES.map((t) => sqlite.prepare<unknown, [string]>(`DELETE FROM ${t} WHERE funnel_id = ?`));
  }

  async deleteBefore(funnelId: string, cutoff: number, opts: ChunkOptions = {}): Promise<RetentionResult> {
    const chunk = opts.chunk ?? CHUNK;
    const stopped = opts.stopped ?? (() => false);
    const total: RetentionResult = { events: 0, sessions: 0 };
    for (const [stmt, key] of [[this.deleteEvents, "events"], [this.deleteSessions, "sessions"]] as const) {
      while (!stopped()) {
        const n = stmt.run(funnelId, cutoff, chunk).changes;
        total[key] += n;
        if (n < chunk) break;
        await Bun.sleep(opts.pauseMs ?? 5);
      }
      if (stopped()) return total;
    }
    await this.rollups.deleteBefore(funnelId, cutoff, opts);
    return total;
  }

  forgetFunnel(funnelId: string): void {
    for (const d of this.forget) d.run(funnelId);
    this.rollups.forgetFunnel(funnelId);
  }
}
