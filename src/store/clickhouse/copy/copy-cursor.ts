// Where a copy of a SQLite history into ClickHouse stands, kept in ClickHouse next to the
// rows it describes: per source (a data directory) and phase, the last row copied and
// acknowledged, what the copy goes up to, and the chunk size. A new state is a new row
// (ReplacingMergeTree, read with argMax), written only after its chunk was acknowledged:
// a copy killed at any point resumes from the last state, and the one chunk that may
// have landed unrecorded is sent again identically (same rows, same deduplication token).
import type { ClickHouseClient } from "@clickhouse/client";

export type CopyPhase = "visitor_contacts" | "events";

export interface CopyState {
  /** The last key (event row id, visitor key) copied. */
  cursor: number;
  /** The key the copy goes up to (the highest when it started). */
  until: number;
  /** Rows per insert, kept so a resumed copy cuts the same chunks. */
  chunk: number;
}

const TABLE = `CREATE TABLE IF NOT EXISTS aurea_copy_progress (
  source String,
  phase LowCardinality(String),
  cursor UInt64,
  until UInt64,
  chunk UInt32,
  at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(at)
ORDER BY (source, phase)`;

export class CopyCursor {
  constructor(
    private client: ClickHouseClient,
    private source: string,
  ) {}

  async ensureTable(): Promise<void> {
    await this.client.command({ query: TABLE });
  }

  /** Every phase's latest state for this source (none: never started). */
  async load(): Promise<Map<CopyPhase, CopyState>> {
    const rs = await this.client.query({
      query: `SELECT phase, argMax((cursor, until, chunk), (at, cursor)) AS s FROM aurea_copy_progress
              WHERE source = {source:String} GROUP BY phase`,
      query_params: { source: this.source },
      format: "JSONEachRow",
    });
    const out = new Map<CopyPhase, CopyState>();
    for (const r of await rs.json<{ phase: CopyPhase; s: [number | string, number | string, number | string] }>()) {
      out.set(r.phase, { cursor: Number(r.s[0]), until: Number(r.s[1]), chunk: Number(r.s[2]) });
    }
    return out;
  }

  /** Any source's state: a database another history was (being) copied into. */
  async sources(): Promise<string[]> {
    const rs = await this.client.query({ query: "SELECT DISTINCT source FROM aurea_copy_progress", format: "JSONEachRow" });
    return (await rs.json<{ source: string }>()).map((r) => r.source);
  }

  async save(phase: CopyPhase, s: CopyState): Promise<void> {
    await this.client.insert({
      table: "aurea_copy_progress",
      values: [{ source: this.source, phase, cursor: s.cursor, until: s.until, chunk: s.chunk, at: Date.now() }],
      format: "JSONEachRow",
    });
  }
}
