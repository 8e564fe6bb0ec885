// serve --backup-dir DIR --backup-every 6h --backup-keep 7: a backup into
// DIR/aurea-<UTC time>/ whenever the newest one there is older than the interval
// (so restarts neither skip nor repeat one), made on a thread of its own; then all
// but the newest `keep` complete backups are deleted. It is the "backup" task of the
// server's table (src/tasks/table.ts).
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { threadEntryUrl } from "../thread-url";
import type { BackupReply, BackupRequest } from "./backup-entry";
import type { BackupResult } from "./create";
import { MANIFEST_FILE } from "./manifest";
import type { Task } from "../tasks/runner";

export interface ScheduleOptions {
  dataDir: string;
  dir: string;
  everyMs: number;
  keep: number;
  version: string;
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

/** Due when the newest backup is `everyMs` old; after a failure, again at most 15 minutes later. */
export function backupTask(options: ScheduleOptions): Task {
  const dir = resolve(options.dir);
  const retryMs = Math.min(options.everyMs, 15 * 60_000);
  return {
    name: "backup",
    next(_now, state) {
      const last = listScheduled(dir)[0]?.at ?? -Infinity;
      return Math.max(last + options.everyMs, (state.lastStartedAt ?? -Infinity) + retryMs);
    },
    async run({ now, log }) {
      const dest = join(dir, backupName(now()));
      let result: BackupResult;
      try {
        result = await inThread({ dataDir: options.dataDir, dest, version: options.version });
      } catch (e) {
        throw new Error(`${(e as Error).message}; next try in ${Math.ceil(retryMs / 60000)} min`);
      }
      log(`backup: ${result.dir} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, ${result.events} events, integrity ok)`);
      const removed = pruneScheduled(dir, options.keep);
      if (removed.length) log(`backup: removed ${removed.length} older backup(s), keeping ${options.keep}`);
    },
  };
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
