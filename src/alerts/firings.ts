// Firing an alert: a row per rule and window (the primary key makes a second firing
// in the same window a no-op) and, in the same transaction, the job that mails it.
import type { Database } from "bun:sqlite";
import type { JobQueue } from "../jobs/queue";
import type { AlertRule } from "./rules";

export const ALERT_MAIL_JOB = "alert-mail";

export interface AlertMessage {
  subject: string;
  text: string;
}

/** Window key for interval windows: the start of the window `now` falls in. */
export function windowKeyAt(rule: Pick<AlertRule, "windowSeconds">, now: number): string {
  const size = rule.windowSeconds * 1000;
  return String(Math.floor(now / size) * size);
}

/** True when it fired now; false when this rule already fired in that window. Call inside a transaction. */
export function fireAlert(sqlite: Database, queue: JobQueue, rule: AlertRule, windowKey: string, message: AlertMessage, now: number): boolean {
  const inserted = sqlite.query("INSERT OR IGNORE INTO alert_firings (rule_id, window_key, subject, fired_at) VALUES (?, ?, ?, ?)").run(rule.id, windowKey, message.subject, now).changes;
  if (!inserted) return false;
  for (const to of rule.recipients) queue.enqueue(ALERT_MAIL_JOB, { ruleId: rule.id, to, ...message }, now, { maxAttempts: 8 });
  return true;
}

export function recentFirings(sqlite: Database, ruleId: string, limit = 10): { windowKey: string; subject: string; firedAt: number }[] {
  return sqlite
    .query<{ windowKey: string; subject: string; firedAt: number }, [string, number]>(
      "SELECT window_key AS windowKey, subject, fired_at AS firedAt FROM alert_firings WHERE rule_id = ? ORDER BY fired_at DESC LIMIT ?",
    )
    .all(ruleId, limit);
}
