// Group commit: every batch accepted in one turn of the event loop is written in
// one transaction (one fsync), and only then is each request answered.
import type { Database } from "bun:sqlite";

export interface BatchRow {
  funnelId: string;
  keyKind: string;
  receivedAt: number;
  ip: string | null;
  userAgent: string | null;
  payload: string;
}

interface Waiting {
  row: BatchRow;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private insert;
  onCommitted: (count: number) => void = () => {};

  constructor(
    private sqlite: Database,
    private maxPerCommit = 1000,
  ) {
    this.insert = sqlite.prepare(
      "INSERT INTO ingest_batches (funnel_id, key_kind, received_at, ip, user_agent, payload) VALUES (?, ?, ?, ?, ?, ?)",
    );
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves once the row is committed (durable); rejects if the commit failed. */
  enqueue(row: BatchRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything waiting now; used on shutdown. */
  flushNow(): void {
    while (this.waiting.length) this.commitSome();
  }

  private flush(): void {
    this.scheduled = false;
    this.commitSome();
    if (this.waiting.length && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private commitSome(): void {
    const group = this.waiting.splice(0, this.maxPerCommit);
    if (!group.length) return;
    try {
      this.sqlite.transaction(() => {
        for (const { row } of group) {
          this.insert.run(row.funnelId, row.keyKind, row.receivedAt, row.ip, row.userAgent, row.payload);
        }
      })();
    } catch (e) {
      for (const w of group) w.reject(e);
      return;
    }
    this.onCommitted(group.length);
    for (const w of group) w.resolve();
  }
}
