import type { Database } from "bun:sqlite";
import { InvalidInput } from "../http/errors";

export interface BatchView {
  id: number;
  status: string;
  receivedAt: number;
  attempts: number;
  error: string | null;
  /** null when the payload itself is what failed to parse. */
  events: number | null;
}

// Processed batches are deleted from the queue (queue-marks.ts): only these remain.
const STATUSES = new Set(["pending", "parked"]);

/** Queue rows of a funnel, for operators: parked batches carry the error that parked them. */
export function listBatches(sqlite: Database, funnelId: string, status: string, limit: number): BatchView[] {
  if (!STATUSES.has(status)) throw new InvalidInput("invalid_query", "status: expected pending or parked (processed batches are deleted)");
  return sqlite
    .query<BatchView, [string, string]>(
      `SELECT id, status, received_at AS receivedAt, attempts, error, CASE WHEN json_valid(payload) THEN json_array_length(payload) END AS events
       FROM ingest_batches WHERE funnel_id = ? AND status = ? ORDER BY id DESC LIMIT ${limit}`,
    )
    .all(funnelId, status);
}

export function queueCounts(sqlite: Database): { pending: number; parked: number } {
  const count = sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM ingest_batches WHERE status = ?");
  return { pending: count.get("pending")!.n, parked: count.get("parked")!.n };
}
