// Deleting from the ClickHouse event plane. Before a cutoff: whole monthly partitions
// are dropped when they hold nothing but this funnel's rows from before it (the usual
// single-funnel install: cheap, no rewrite); what remains goes by lightweight DELETE
// (rows are masked at once and purged by later merges). Visits go when their last
// event is before the cutoff, like SQLite's "ended before it".
// Forgetting a funnel: its contacts leave SQLite inside the caller's transaction; its
// ClickHouse rows by lightweight DELETE right after, retried while the server is away.
import type { Database } from "bun:sqlite";
import type { EventRetention, RetentionResult } from "../event-retention";
import type { ChunkOptions } from "../rollup-registry";
import type { ClickHouseLink } from "./link";

/** Tables partitioned by the month of `ts` (event_ids follows events). */
const BY_TS = ["events", "event_ids"] as const;
const FORGET_TABLES = ["events", "event_ids", "visits", "visitor_contacts"] as const;
const FORGET_RETRY_MS = 30_000;
/** Servers before 24.4 ran lightweight deletes in the background unless told to wait. */
const WAIT = { mutations_sync: "1" } as const;

export class ClickHouseEventRetention implements EventRetention {
  private forgetContacts;

  constructor(
    private link: ClickHouseLink,
    sqlite: Database,
    private log: (line: string) => void = () => {},
  ) {
    this.forgetContacts = sqlite.prepare<unknown, [string]>("DELETE FROM contacts WHERE funnel_id = ?");
  }

  private async count(query: string, params: Record<string, unknown>): Promise<number> {
    const rs = await this.link.client.query({ query, query_params: params, format: "JSONEachRow" });
    const [row] = await rs.json<{ n: number | string }>();
    return Number(row?.n ?? 0);
  }

  async deleteBefore(funnelId: string, cutoff: number, opts: ChunkOptions = {}): Promise<RetentionResult> {
    const stopped = opts.stopped ?? (() => false);
    return this.link.guard(async () => {
      const p = { f: funnelId, cutoff };
      const before = "funnel_id = {f:String} AND ts < fromUnixTimestamp64Milli({cutoff:Int64})";
      const events = await this.count(`SELECT count() AS n FROM events WHERE ${before}`, p);
      const endedVisits = `SELECT session_id FROM visits WHERE funnel_id = {f:String} AND visit_start < fromUnixTimestamp64Milli({cutoff:Int64})
        GROUP BY funnel_id, visit_start, session_id HAVING coalesce(max(last_at), min(visit_start)) < fromUnixTimestamp64Milli({cutoff:Int64})`;
      const sessions = await this.count(`SELECT count() AS n FROM (${endedVisits})`, p);
      if (stopped()) return { events: 0, sessions: 0 };
      if (events) {
        for (const table of BY_TS) await this.dropWholePartitions(table, funnelId, cutoff);
        for (const table of BY_TS) await this.link.client.command({ query: `DELETE FROM ${table} WHERE ${before}`, query_params: p, clickhouse_settings: WAIT });
      }
      if (sessions && !stopped()) {
        await this.link.client.command({
          query: `DELETE FROM visits WHERE funnel_id = {f:String} AND visit_start < fromUnixTimestamp64Milli({cutoff:Int64}) AND session_id IN (${endedVisits})`,
          query_params: p,
          clickhouse_settings: WAIT,
        });
      }
      return { events, sessions };
    });
  }

  /** Drops the months that only this funnel's rows from before the cutoff fill. */
  private async dropWholePartitions(table: string, funnelId: string, cutoff: number): Promise<void> {
    const rs = await this.link.client.query({
      query: `SELECT _partition_id AS id FROM ${table} GROUP BY _partition_id
              HAVING countIf(funnel_id != {f:String}) = 0 AND max(ts) < fromUnixTimestamp64Milli({cutoff:Int64})`,
      query_params: { f: funnelId, cutoff },
      format: "JSONEachRow",
    });
    for (const { id } of await rs.json<{ id: string }>()) {
      await this.link.client.command({ query: `ALTER TABLE ${table} DROP PARTITION ID {id:String}`, query_params: { id } });
    }
  }

  /** Synchronous part inside the caller's transaction (contacts); ClickHouse's rows follow. */
  forgetFunnel(funnelId: string): void {
    this.forgetContacts.run(funnelId);
    void this.forgetInClickHouse(funnelId);
  }

  /** Resolves once the funnel's rows are gone from ClickHouse (retried while it is away). */
  async forgetInClickHouse(funnelId: string, retries = 20): Promise<void> {
    try {
      await this.link.guard(async () => {
        for (const table of FORGET_TABLES) {
          await this.link.client.command({ query: `DELETE FROM ${table} WHERE funnel_id = {f:String}`, query_params: { f: funnelId }, clickhouse_settings: WAIT });
        }
      });
    } catch (e) {
      if (retries <= 0) return this.log(`events: could not forget funnel ${funnelId} in ClickHouse: ${(e as Error).message}`);
      await Bun.sleep(FORGET_RETRY_MS);
      return this.forgetInClickHouse(funnelId, retries - 1);
    }
  }
}
