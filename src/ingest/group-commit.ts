// Group commit: every batch accepted in one turn of the event loop is written in one
// transaction, and each request is answered only once an fsync of the queue's WAL has
// made its row durable. The fsync runs off the HTTP thread; batches committed while
// one is in flight wait for the next, which covers them all at once.
import type { Database } from "bun:sqlite";
import { syncWal, syncWalAsync } from "../db/wal-sync";
import type { Histogram } from "../ops/metrics";

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
  /** Set once answered: flushNow on shutdown may overtake an fsync in flight. */
  answered?: boolean;
}

export class GroupCommitter {
  /** Not written yet. */
  private waiting: Waiting[] = [];
  /** Committed, waiting for an fsync to start. */
  private written: Waiting[] = [];
  /** Committed, covered by the fsync in flight. */
  private syncing: Waiting[] = [];
  private syncInFlight = false;
  private scheduled = false;
  private insert;
  private path: string;
  onCommitted: (count: number) => void = () => {};
  /** Where commit and fsync times go (/metrics), when set. */
  timings: { commit: Histogram; fsync: Histogram } | null = null;

  constructor(
    private sqlite: Database,
    private maxPerCommit = 1000,
  ) {
    this.path = sqlite.filename;
    this.insert = sqlite.prepare(
      "INSERT INTO ingest_batches (funnel_id, key_kind, received_at, ip, user_agent, payload) VALUES (?, ?, ?, ?, ?, ?)",
    );
    // Checkpoints copy the WAL into the file and fsync it: they run elsewhere (the
    // checkpoint thread, or inline after the worker confirms), so none stalls an answer.
    sqlite.exec("PRAGMA wal_autocheckpoint = 0");
  }

  /** Batches accepted and not yet durable. */
  get queued(): number {
    return this.waiting.length + this.written.length + this.syncing.length;
  }

  /** Resolves once the row is durable; rejects if the commit or the fsync failed. */
  enqueue(row: BatchRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits and fsyncs everything waiting now, on this thread; used on shutdown. */
  flushNow(): void {
    while (this.waiting.length) this.commitSome();
    const pending = [...this.syncing, ...this.written];
    this.written = [];
    if (!pending.length) return;
    try {
      syncWal(this.path);
    } catch (e) {
      for (const w of pending) w.reject(e);
      return;
    }
    this.done(pending);
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length) this.commitSome();
    this.startSync();
  }

  private commitSome(): void {
    const group = this.waiting.splice(0, this.maxPerCommit);
    const started = performance.now();
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
    this.timings?.commit.observe((performance.now() - started) / 1000);
    for (const w of group) this.written.push(w);
  }

  private startSync(): void {
    if (this.syncInFlight || !this.written.length) return;
    this.syncInFlight = true;
    this.syncing = this.written;
    this.written = [];
    const started = performance.now();
    syncWalAsync(this.path).then(
      () => {
        this.timings?.fsync.observe((performance.now() - started) / 1000);
        this.done(this.syncing);
      },
      (e) => {
        for (const w of this.syncing) w.reject(e);
      },
    ).finally(() => {
      this.syncing = [];
      this.syncInFlight = false;
      this.startSync();
    });
  }

  private done(group: Waiting[]): void {
    const fresh = group.filter((w) => !w.answered);
    if (!fresh.length) return;
    for (const w of fresh) w.answered = true;
    this.onCommitted(fresh.length);
    for (const w of fresh) w.resolve();
  }
}
