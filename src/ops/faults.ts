// Storage errors as they happen: the latest one (for /healthz), a counter per kind
// (for /metrics), and one log line per distinct error until storage works again, so a
// full disk says so once instead of on every retry.
import { storageFault, type StorageFault } from "../db/storage-errors";
import type { Counter } from "./metrics";

export interface FaultReport {
  /** What failed: "ingest", "processing", "checkpoint"... */
  where: string;
  fault: StorageFault;
  message: string;
  at: number;
}

export class StorageFaults {
  last: FaultReport | null = null;
  private logged = new Set<string>();

  constructor(
    private log: (line: string) => void,
    private now: () => number,
    private counter?: Counter,
  ) {}

  /** Records e when it is the disk's fault (see storage-errors.ts); returns the fault, or null. */
  record(where: string, e: unknown): StorageFault | null {
    const fault = storageFault(e);
    if (!fault) return null;
    this.note({ where, fault, message: (e as Error).message ?? String(e), at: this.now() });
    return fault;
  }

  /** Records a fault; quiet when another thread has logged it already. */
  note(report: FaultReport, quiet = false): void {
    this.last = report;
    this.counter?.inc({ where: report.where, fault: report.fault });
    const key = `${report.where}\n${report.message}`;
    if (quiet || this.logged.has(key)) return;
    this.logged.add(key);
    const what = report.fault === "storage_full" ? "the disk is full" : "storage error";
    this.log(`${report.where}: ${what} (${report.message}); retrying until it works again`);
  }

  /**
   * The work at `where` succeeded: its fault is over (health stops failing on it), and
   * the recovery is logged once if the fault was. Cheap when nothing failed: called
   * on the ingest path.
   */
  recovered(where: string): void {
    if (this.last?.where === where) this.last = null;
    if (!this.logged.size) return;
    let had = false;
    for (const key of this.logged) {
      if (key.startsWith(`${where}\n`)) {
        this.logged.delete(key);
        had = true;
      }
    }
    if (had) this.log(`${where}: storage works again`);
  }

  /** The latest fault if it happened within windowMs. */
  recent(windowMs: number): FaultReport | null {
    return this.last && this.now() - this.last.at <= windowMs ? this.last : null;
  }
}
