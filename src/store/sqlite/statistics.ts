// The query planner's statistics (sqlite_stat1). Without them SQLite guesses, and on
// the events and sessions tables a wrong guess is a full scan of seconds instead of
// an index range of milliseconds. Statistics are loaded when a connection opens, so
// a long-lived connection never sees what another one (seed-demo, an import) wrote:
// `ANALYZE sqlite_schema` reloads them.
import type { Database } from "bun:sqlite";

/** Rows each index's analysis reads at most: a few ms per index at any table size. */
const ANALYSIS_LIMIT = 1000;
const HOUR_MS = 3_600_000;
const RETRY_MS = 60_000;

/** Measures every table now (after seeding or an import, bounded by ANALYSIS_LIMIT). */
export function analyzeNow(sqlite: Database): void {
  sqlite.exec(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
  sqlite.exec("ANALYZE");
}

/**
 * Keeps one connection's statistics current: on first use, then hourly, and when the
 * events table has doubled (a write burst) since the last refresh. Cheap when nothing
 * is due: one read of the events table's highest row id.
 */
export class Statistics {
  private lastAt = -Infinity;
  private lastRows = 0;
  private highest;

  constructor(
    private sqlite: Database,
    private now: () => number = Date.now,
    private everyMs = HOUR_MS,
  ) {
    this.highest = sqlite.prepare<{ n: number | null }, []>("SELECT max(row_id) AS n FROM events");
  }

  /** Refreshes when due; returns whether it did. */
  maybeRefresh(): boolean {
    const rows = this.highest.get()?.n ?? 0;
    const burst = rows >= 2 * this.lastRows && rows - this.lastRows >= 10_000;
    if (!burst && this.now() - this.lastAt < this.everyMs) return false;
    try {
      this.refresh(rows);
    } catch {
      // Measuring writes sqlite_stat1: on a full disk, a busy or read-only database the
      // read goes on with the statistics it has, and measuring is tried again later.
      this.lastAt = this.now() - this.everyMs + RETRY_MS;
      return false;
    }
    return true;
  }

  refresh(rows = this.highest.get()?.n ?? 0): void {
    // Pick up what other connections measured, then measure what is missing or has
    // grown: optimize with 0x10000 looks at every table, not only those used here.
    this.sqlite.exec("ANALYZE sqlite_schema");
    this.sqlite.exec(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
    this.sqlite.exec("PRAGMA optimize = 0x10002");
    this.lastAt = this.now();
    this.lastRows = rows;
  }
}
