// Deliveries and their attempts: the webhook log. A delivery is one message (one
// webhook-id, one body) sent until it succeeds or is given up; each try is an
// attempt row. The one module that reads and writes `deliveries` and
// `delivery_attempts`.
import type { Database, Statement } from "bun:sqlite";
import type { JobQueue } from "../jobs/queue";

export const DELIVER_JOB = "webhook.deliver";
/** Finished deliveries (and their attempts) are kept this long in the log. */
export const DELIVERY_LOG_DAYS = 30;
/** Response bodies are kept up to this many bytes per attempt. */
export const SNIPPET_BYTES = 1024;

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  id: string;
  automationId: string;
  funnelId: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  test: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Attempt {
  attempt: number;
  at: number;
  statusCode: number | null;
  latencyMs: number | null;
  responseSnippet: string | null;
  error: string | null;
}

export interface DeliveryRow extends Omit<Delivery, "body"> {
  last: Attempt | null;
}

const COLUMNS = `id, automation_id AS automationId, funnel_id AS funnelId, body, status, attempts, test, created_at AS createdAt,
  updated_at AS updatedAt`;

type RawDelivery = Omit<Delivery, "test"> & { test: number };

export function newDeliveryId(): string {
  return `msg_${Buffer.from(crypto.getRandomValues(new Uint8Array(15))).toString("base64url")}`;
}

export class DeliveryStore {
  private insert: Statement<unknown, [string, string, string, string, number, number, number]>;
  private byId: Statement<RawDelivery, [string]>;
  private addAttempt: Statement<unknown, [string, number, number, number | null, number | null, string | null, string | null]>;
  private setStatus: Statement<unknown, [string, number, number, string]>;
  private reopen: Statement<unknown, [number, string]>;
  private listByRule: Statement<RawDelivery & { a_attempt: number | null; a_at: number | null; a_status: number | null; a_latency: number | null; a_snippet: string | null; a_error: string | null }, [string, number]>;
  private attemptsOf: Statement<Attempt, [string]>;
  private failedOfFunnel: Statement<{ n: number }, [string]>;
  private deleteAttempts: Statement<unknown, [string]>;
  private statsOfFunnel: Statement<{ automationId: string; failed: number; lastAt: number; total: number }, [string]>;
  private oldIds: Statement<{ id: string }, [number]>;
  private pruneAttempts: Statement<unknown, [string]>;
  private pruneDeliveries: Statement<unknown, [string]>;
  private deleteDeliveries: Statement<unknown, [string]>;

  constructor(
    private sqlite: Database,
    private queue: JobQueue,
  ) {
    this.insert = sqlite.prepare(
      `INSERT INTO deliveries (id, automation_id, funnel_id, body, status, attempts, test, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    );
    this.byId = sqlite.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`);
    this.addAttempt = sqlite.prepare(
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, response_snippet, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setStatus = sqlite.prepare("UPDATE deliveries SET status = ?, attempts = ?, updated_at = ? WHERE id = ?");
    this.reopen = sqlite.prepare("UPDATE deliveries SET status = 'pending', updated_at = ? WHERE id = ?");
    this.listByRule = sqlite.prepare(
      `SELECT d.id, d.automation_id AS automationId, d.funnel_id AS funnelId, '' AS body, d.status, d.attempts, d.test,
         d.created_at AS createdAt, d.updated_at AS updatedAt, a.attempt AS a_attempt, a.at AS a_at,
         a.status_code AS a_status, a.latency_ms AS a_latency, a.response_snippet AS a_snippet, a.error AS a_error
       FROM deliveries d
       LEFT JOIN delivery_attempts a ON a.id = (SELECT max(id) FROM delivery_attempts WHERE delivery_id = d.id)
       WHERE d.automation_id = ? ORDER BY d.created_at DESC, d.rowid DESC LIMIT ?`,
    );
    this.attemptsOf = sqlite.prepare(
      `SELECT attempt, at, status_code AS statusCode, latency_ms AS latencyMs, response_snippet AS responseSnippet, error
       FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt`,
    );
    this.failedOfFunnel = sqlite.prepare("SELECT count(*) AS n FROM deliveries WHERE funnel_id = ? AND status = 'failed'");
    this.deleteAttempts = sqlite.prepare(
      "DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE automation_id = ?)",
    );
    this.deleteDeliveries = sqlite.prepare("DELETE FROM deliveries WHERE automation_id = ?");
    this.statsOfFunnel = sqlite.prepare(
      `SELECT automation_id AS automationId, sum(status = 'failed') AS failed, max(created_at) AS lastAt, count(*) AS total
       FROM deliveries WHERE funnel_id = ? GROUP BY automation_id`,
    );
    this.oldIds = sqlite.prepare("SELECT id FROM deliveries WHERE status != 'pending' AND updated_at < ? LIMIT 5000");
    this.pruneAttempts = sqlite.prepare("DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))");
    this.pruneDeliveries = sqlite.prepare("DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))");
  }

  /** A new delivery and the job that sends it, in the caller's transaction. */
  create(input: { automationId: string; funnelId: string; body: string; test?: boolean }, now: number): string {
    const id = newDeliveryId();
    this.insert.run(id, input.automationId, input.funnelId, input.body, input.test ? 1 : 0, now, now);
    this.queue.enqueue(DELIVER_JOB, { deliveryId: id }, now);
    return id;
  }

  get(id: string): Delivery | null {
    const row = this.byId.get(id);
    return row ? { ...row, test: row.test === 1 } : null;
  }

  /** Logs one attempt and sets the delivery's status (written with the job's outcome). */
  record(delivery: Delivery, attempt: Attempt, status: DeliveryStatus, now: number): void {
    // Deleted (with its rule) while the attempt was under way: nothing to log it against.
    if (this.setStatus.run(status, attempt.attempt, now, delivery.id).changes === 0) return;
    this.addAttempt.run(delivery.id, attempt.attempt, attempt.at, attempt.statusCode, attempt.latencyMs, attempt.responseSnippet, attempt.error);
  }

  /** Sends the same message again (same webhook-id), with a fresh retry schedule. */
  resend(id: string, now: number): boolean {
    const d = this.get(id);
    if (!d) return false;
    this.reopen.run(now, id);
    this.queue.enqueue(DELIVER_JOB, { deliveryId: id }, now);
    return true;
  }

  listForRule(automationId: string, limit: number): DeliveryRow[] {
    return this.listByRule.all(automationId, limit).map((r) => ({
      id: r.id, automationId: r.automationId, funnelId: r.funnelId, status: r.status, attempts: r.attempts,
      test: r.test === 1, createdAt: r.createdAt, updatedAt: r.updatedAt,
      last: r.a_attempt === null ? null : {
        attempt: r.a_attempt, at: r.a_at!, statusCode: r.a_status, latencyMs: r.a_latency, responseSnippet: r.a_snippet, error: r.a_error,
      },
    }));
  }

  attempts(deliveryId: string): Attempt[] {
    return this.attemptsOf.all(deliveryId);
  }

  failedCount(funnelId: string): number {
    return this.failedOfFunnel.get(funnelId)!.n;
  }

  /** Deliveries of the funnel that failed for good at or after `since` (alerts). */
  failedSince(funnelId: string, since: number): number {
    return this.sqlite.query<{ n: number }, [string, number]>("SELECT count(*) AS n FROM deliveries WHERE funnel_id = ? AND status = 'failed' AND updated_at >= ?").get(funnelId, since)!.n;
  }

  /** Per rule of the funnel: deliveries kept, failed ones, the latest. */
  statsForFunnel(funnelId: string): Map<string, { failed: number; lastAt: number; total: number }> {
    return new Map(this.statsOfFunnel.all(funnelId).map((r) => [r.automationId, r]));
  }

  /** Forgets finished deliveries last touched before `before` (the log keeps DELIVERY_LOG_DAYS). */
  prune(before: number): number {
    let total = 0;
    for (;;) {
      const ids = JSON.stringify(this.oldIds.all(before).map((r) => r.id));
      this.pruneAttempts.run(ids);
      const n = this.pruneDeliveries.run(ids).changes;
      total += n;
      if (n < 5000) return total;
    }
  }

  forgetRule(automationId: string): void {
    this.deleteAttempts.run(automationId);
    this.deleteDeliveries.run(automationId);
  }
}
