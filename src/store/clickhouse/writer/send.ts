// Sends a run to ClickHouse, resolving once every part is acknowledged. The parts that
// are safe to send twice go first (visitor links replace by key, visit corrections and
// events carry deduplication tokens, a superseding mutation only touches a row that still
// counts), the events last: once they are stored, a run redone after a lost
// acknowledgement finds them and writes nothing again.
import type { ClickHouseClient } from "@clickhouse/client";
import type { VisitorLink } from "./contacts";
import type { Superseded, VisitCorrection } from "./orders";
import type { EventRow } from "./rows";

export interface StagedRun {
  events: EventRow[];
  links: VisitorLink[];
  corrections: VisitCorrection[];
  superseded: Superseded[];
}

export const DEDUP = { insert_deduplicate: 1, deduplicate_blocks_in_dependent_materialized_views: 1 } as const;

/** The same rows give the same token, so a block sent again is dropped by the server. */
export function dedupToken(kind: string, keys: string[]): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(kind);
  for (const k of keys) h.update(`\u0000${k}`);
  return h.digest("hex");
}

export async function sendRun(client: ClickHouseClient, run: StagedRun): Promise<void> {
  if (run.links.length) await client.insert({ table: "visitor_contacts", values: run.links, format: "JSONEachRow" });
  if (run.corrections.length) {
    const token = dedupToken("corrections", run.corrections.map((c) => `${c.funnel_id}:${c.session_id}:${c.revenue[1][0]}`));
    await client.insert({ table: "visits", values: run.corrections, format: "JSONEachRow", clickhouse_settings: { ...DEDUP, insert_deduplication_token: token } });
  }
  for (const s of run.superseded) {
    await client.command({
      query: `ALTER TABLE events UPDATE revenue_minor = NULL,
          flags = if(flags IS NULL OR flags = '', 'superseded', concat(flags, ',superseded'))
        WHERE funnel_id = {f:String} AND toDate(ts) = toDate(fromUnixTimestamp64Milli({ts:Int64})) AND id = {id:String} AND revenue_minor IS NOT NULL`,
      query_params: { f: s.funnelId, ts: s.ts, id: s.id },
      clickhouse_settings: { mutations_sync: "1" },
    });
  }
  if (run.events.length) {
    const token = dedupToken("events", run.events.map((e) => `${e.funnel_id}:${e.id}`));
    await client.insert({ table: "events", values: run.events, format: "JSONEachRow", clickhouse_settings: { ...DEDUP, insert_deduplication_token: token } });
  }
}
