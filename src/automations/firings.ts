// automation_firings: one row per (rule, trigger occurrence). Its primary key is what
// makes "a rule fires at most once per occurrence" hold, even when a batch is
// processed twice or a check job runs again after a crash.
import type { Database, Statement } from "bun:sqlite";

export class Firings {
  private insert: Statement<unknown, [string, string, string, number]>;
  private recent: Statement<{ n: number }, [string, string, number]>;
  private clear: Statement<unknown, [string]>;

  constructor(sqlite: Database) {
    this.insert = sqlite.prepare(
      "INSERT INTO automation_firings (automation_id, occurrence, visitor, fired_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.recent = sqlite.prepare(
      "SELECT 1 AS n FROM automation_firings WHERE automation_id = ? AND visitor = ? AND fired_at > ? LIMIT 1",
    );
    this.clear = sqlite.prepare("DELETE FROM automation_firings WHERE automation_id = ?");
  }

  /** Within a rule's cooldown for this visitor: it fired for them after `since`. */
  firedSince(automationId: string, visitor: string, since: number): boolean {
    return this.recent.get(automationId, visitor, since) !== null;
  }

  /** Records the occurrence; false when it was already recorded (do not fire again). */
  claim(automationId: string, occurrence: string, visitor: string, now: number): boolean {
    return this.insert.run(automationId, occurrence, visitor, now).changes > 0;
  }

  forgetRule(automationId: string): void {
    this.clear.run(automationId);
  }
}
