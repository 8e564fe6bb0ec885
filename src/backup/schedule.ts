// serve --backup-dir DIR --backup-every 6h --backup-keep 7: a backup into
// DIR/aurea-<UTC time>/ whenever the newest one there is older than the interval
// (so restarts neither skip nor repeat one), made on a thread of its own; then all
// but the newest `keep` complete backups are deleted.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { threadEntryUrl } from "../thread-url";
import type { BackupReply, BackupRequest } from "./backup-entry";
import type { BackupResult } from "./create";
import { MANIFEST_FILE } from "./manifest";

export interface ScheduleOptions {
  dataDir: string;
  dir: string;
  everyMs: number;
  keep: number;
  version: string;
  log: (line: string) => void;
  now?: () => number;
}

const NAME = /^aurea-(\d{8}T\d{6}Z)$/;

export function backupName(at: number): string {
  return `aurea-${new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
}

function timeOfName(name: string): number | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const s = m[1];
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
}

/** Complete scheduled backups in dir, newest first. */
export function listScheduled(dir: string): { name: string; at: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, at: timeOfName(name) }))
    .filter((b): b is { name: string; at: number } => b.at !== null && existsSync(join(dir, b.name, MANIFEST_FILE)))
    .sort((a, b) => b.at - a.at);
}

/** Deletes all but the newest `keep` complete backups, and incomplete ones older than the newest. */
export function pruneScheduled(dir: string, keep: number): string[] {
  const complete = listScheduled(dir);
  const newest = complete[0]?.at ?? 0;
  const doomed = complete.slice(keep).map((b) => b.name);
  for (const name of readdirSync(dir)) {
    const at = timeOfName(name);
    if (at !== null && at < newest && !existsSync(join(dir, name, MANIFEST_FILE))) doomed.push(name);
  }
  for (const name of doomed) rmSync(join(dir, name), { recursive: true, force: true });
  return doomed;
}

export class BackupSchedule {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastAttempt = -Infinity;
  private readonly dir: string;
  private readonly now: () => number;

  constructor(private readonly options: ScheduleOptions) {
    this.dir = resolve(options.dir);
    this.now = options.now ?? Date.now;
    this.plan();
  }

  /** Waits for a backup in progress, then schedules none. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private plan(): void {
    if (this.stopped) return;
    const last = listScheduled(this.dir)[0]?.at ?? -Infinity;
    const next = Math.max(last + this.options.everyMs, this.lastAttempt + this.retryMs());
    const wait = Math.max(0, Math.min(next - this.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.plan();
      });
    }, wait);
  }

  /** After a failure: the interval, but at most 15 minutes. */
  private retryMs(): number {
    return Math.min(this.options.everyMs, 15 * 60_000);
  }

  private async runOnce(): Promise<void> {
    const { log } = this.options;
    this.lastAttempt = this.now();
    const dest = join(this.dir, backupName(this.now()));
    try {
      const result = await inThread({ dataDir: this.options.dataDir, dest, version: this.options.version });
      log(`backup: ${result.dir} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, ${result.events} events, integrity ok)`);
      const removed = pruneScheduled(this.dir, this.options.keep);
      if (removed.length) log(`backup: removed ${removed.length} older backup(s), keeping ${this.options.keep}`);
    } catch (e) {
      log(`backup: FAILED, ${(e as Error).message}; next try in ${Math.ceil(this.retryMs() / 60000)} min`);
    }
  }
}

function inThread(request: BackupRequest): Promise<BackupResult> {
  return new Promise((resolvePromise, reject) => {
    const thread = new Worker(threadEntryUrl("backup/backup-entry.ts"));
    thread.addEventListener("message", (e: MessageEvent<BackupReply>) => {
      thread.terminate();
      if (e.data.ok) resolvePromise(e.data.result);
      else reject(new Error(e.data.error));
    });
    thread.addEventListener("error", (e) => {
      thread.terminate();
      reject(new Error(e.message));
    });
    thread.postMessage(request);
  });
}

/** "6h", "30m", "1d", "45s" → milliseconds. */
export function parseDuration(raw: string): number | null {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(raw.trim());
  if (!m) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : null;
}
