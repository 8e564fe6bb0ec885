// Which digests went out: the one module that touches report_sends. A digest is keyed
// by funnel + address + cadence + period start, so a period is queued at most once.
//
// Exactly once is impossible over SMTP (a server can accept a message and the
// connection drop before we hear it), so we choose at most once across crashes:
//   queued ──claim (committed, fsynced) ──▶ sending ──SMTP accepted──▶ sent
//                                            │ SMTP said no (temporary) ▶ retry ─▶ claim again
//                                            │ SMTP said no (permanent) ▶ failed
//                                            └ found "sending" by a later run (the process died
//                                              mid-conversation) ──▶ unknown: never re-sent
// An SMTP error we were told about means the server did not take the message, so a
// retry cannot duplicate it; only a crash inside the conversation is ambiguous, and
// that is recorded (and logged) instead of guessed.
import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import type { Cadence } from "./period";

export type SendStatus = "queued" | "sending" | "sent" | "retry" | "failed" | "unknown" | "cancelled";

export interface SendRow {
  key: string;
  funnelId: string;
  email: string;
  cadence: Cadence;
  periodFrom: number;
  periodTo: number;
  status: SendStatus;
  messageId: string;
  attempts: number;
  error: string | null;
  updatedAt: number;
}

const COLUMNS = `key, funnel_id AS funnelId, email, cadence, period_from AS periodFrom, period_to AS periodTo, status,
  message_id AS messageId, attempts, error, updated_at AS updatedAt`;

export function sendKey(funnelId: string, email: string, cadence: Cadence, periodFrom: number): string {
  return `${funnelId}|${email}|${cadence}|${periodFrom}`;
}

/** A stable Message-ID per digest, so a duplicate (were there ever one) is recognisable. */
export function digestMessageId(key: string): string {
  return `<digest.${createHash("sha256").update(key).digest("hex").slice(0, 32)}@aurea.local>`;
}

/** Records the digest as queued; false when this period was queued before (then enqueue nothing). */
export function queueSend(sqlite: Database, row: Omit<SendRow, "key" | "status" | "messageId" | "attempts" | "error" | "updatedAt">, now: number): string | null {
  const key = sendKey(row.funnelId, row.email, row.cadence, row.periodFrom);
  const inserted = sqlite
    .query(
      `INSERT OR IGNORE INTO report_sends (key, funnel_id, email, cadence, period_from, period_to, status, message_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    )
    .run(key, row.funnelId, row.email, row.cadence, row.periodFrom, row.periodTo, digestMessageId(key), now, now).changes;
  return inserted ? key : null;
}

export function getSend(sqlite: Database, key: string): SendRow | null {
  return sqlite.query<SendRow, [string]>(`SELECT ${COLUMNS} FROM report_sends WHERE key = ?`).get(key) ?? null;
}

export function setSendStatus(sqlite: Database, key: string, status: SendStatus, error: string | null, now: number): void {
  sqlite.query("UPDATE report_sends SET status = ?, error = ?, updated_at = ? WHERE key = ?").run(status, error, now, key);
}

/** queued/retry → sending, counting the attempt; in its own committed transaction before any SMTP. */
export function claimSend(sqlite: Database, key: string, now: number): boolean {
  return sqlite.transaction(() =>
    sqlite.query("UPDATE report_sends SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE key = ? AND status IN ('queued', 'retry')").run(now, key).changes > 0,
  ).immediate();
}

export function recentSends(sqlite: Database, funnelId: string, limit = 20): SendRow[] {
  return sqlite.query<SendRow, [string, number]>(`SELECT ${COLUMNS} FROM report_sends WHERE funnel_id = ? ORDER BY updated_at DESC LIMIT ?`).all(funnelId, limit);
}
