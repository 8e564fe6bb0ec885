// A durable job queue over the `jobs` table. Jobs are enqueued inside the caller's
// transaction (so they exist exactly when the work that caused them commits),
// claimed with a lease (`locked_until`) so a crash mid-job makes them due again,
// then completed, rescheduled or parked. The one module that touches `jobs`.
import type { Database, Statement } from "bun:sqlite";

export interface Job {
  id: number;
  kind: string;
  payload: string;
  status: string;
  runAt: number;
  /** Counts claims, including the current one. */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedUntil: number | null;
  createdAt: number;
}

export interface EnqueueOptions {
  runAt?: number;
  maxAttempts?: number;
}

const COLUMNS = `id, kind, payload, status, run_at AS runAt, attempts, max_attempts AS maxAttempts,
  last_error AS lastError, locked_until AS lockedUntil, created_at AS createdAt`;

// Done jobs are kept a day for inspection, then deleted; the delivery log lives elsewhere.
const DONE_RETENTION_MS = 24 * 60 * 60 * 1000;

export class JobQueue {
  private insert: Statement<{ id: number }, [string, string, number, number, number, number]>;
  private claimPending: Statement<Job, [number, number, number, number]>;
  private claimExpired: Statement<Job, [number, number, number, number]>;
  private finish: Statement<unknown, [string, string | null, number, number]>;
  private reschedule: Statement<unknown, [number, string | null, number, number, number]>;
  private nextDue: Statement<{ t: number | null }, []>;
  private purge: Statement<unknown, [number]>;
  private byId: Statement<Job, [number]>;
  private counts: Statement<{ status: string; n: number }, []>;

  constructor(private sqlite: Database) {
    this.insert = sqlite.prepare(
      `INSERT INTO jobs (kind, payload, status, run_at, max_attempts, created_at, updated_at)
       VALUES (?, ?, 'pending', ?, ?, ?, ?) RETURNING id`,
    );
    // Two claims, each using the (status, run_at) index: due pending jobs, and running
    // jobs whose lease ran out (their worker died or hung).
    this.claimPending = sqlite.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?, updated_at = ?
       WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= ? ORDER BY run_at, id LIMIT ?)
       RETURNING ${COLUMNS}`,
    );
    this.claimExpired = sqlite.prepare(
      `UPDATE jobs SET attempts = attempts + 1, locked_until = ?, updated_at = ?
       WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND locked_until <= ? ORDER BY locked_until LIMIT ?)
       RETURNING ${COLUMNS}`,
    );
    this.finish = sqlite.prepare("UPDATE jobs SET status = ?, last_error = ?, locked_until = NULL, updated_at = ? WHERE id = ?");
    this.reschedule = sqlite.prepare(
      `UPDATE jobs SET status = 'pending', run_at = ?, last_error = ?, locked_until = NULL, updated_at = ?,
        attempts = attempts - ? WHERE id = ?`,
    );
    this.nextDue = sqlite.prepare(
      `SELECT min(t) AS t FROM (
         SELECT min(run_at) AS t FROM jobs WHERE status = 'pending'
         UNION ALL SELECT min(locked_until) FROM jobs WHERE status = 'running')`,
    );
    this.purge = sqlite.prepare("DELETE FROM jobs WHERE status = 'done' AND updated_at < ?");
    this.byId = sqlite.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
    this.counts = sqlite.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status");
  }

  /** Adds a job; runs in whatever transaction the caller has open. */
  enqueue(kind: string, payload: unknown, now: number, options: EnqueueOptions = {}): number {
    const maxAttempts = options.maxAttempts ?? 8;
    return this.insert.get(kind, JSON.stringify(payload), options.runAt ?? now, maxAttempts, now, now)!.id;
  }

  /** Takes up to `limit` due jobs and leases them until now + leaseMs. */
  claim(now: number, limit: number, leaseMs: number): Job[] {
    if (limit <= 0) return [];
    // Look before taking the write lock: the processing thread holds it for whole
    // runs, and an idle poll should never wait for one.
    const due = this.nextDueAt();
    if (due === null || due > now) return [];
    return this.sqlite.transaction(() => {
      const jobs = this.claimExpired.all(now + leaseMs, now, now, limit);
      if (jobs.length < limit) jobs.push(...this.claimPending.all(now + leaseMs, now, now, limit - jobs.length));
      return jobs;
    }).immediate();
  }

  complete(id: number, now: number): void {
    this.finish.run("done", null, now, id);
  }

  /** Parks the job: it is not tried again. */
  fail(id: number, error: string, now: number): void {
    this.finish.run("failed", error, now, id);
  }

  /** Due again at `runAt`; this claim counts as an attempt. */
  retry(id: number, runAt: number, error: string | null, now: number): void {
    this.reschedule.run(runAt, error, now, 0, id);
  }

  /** Gives the job back untried (e.g. the server is stopping): due at `at` (now by default), attempt not counted. */
  release(id: number, now: number, at = now): void {
    this.reschedule.run(at, null, now, 1, id);
  }

  /** The earliest time any job becomes due (pending run_at or an expiring lease), or null. */
  nextDueAt(): number | null {
    return this.nextDue.get()?.t ?? null;
  }

  get(id: number): Job | null {
    return this.byId.get(id) ?? null;
  }

  countByStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.counts.all()) out[r.status] = r.n;
    return out;
  }

  purgeDone(now: number): void {
    this.purge.run(now - DONE_RETENTION_MS);
  }
}
