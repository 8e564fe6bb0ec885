// The backup thread: one backup per message, away from the HTTP thread, which a
// VACUUM INTO of a large database would otherwise hold for seconds.
import { createBackup, yieldCpuToServer, type BackupResult } from "./create";

declare const self: Worker;

yieldCpuToServer();

export type BackupRequest = { dataDir: string; dest: string; version: string };
export type BackupReply = { ok: true; result: BackupResult } | { ok: false; error: string };

self.onmessage = (e: MessageEvent<BackupRequest>) => {
  const { dataDir, dest, version } = e.data;
  let reply: BackupReply;
  try {
    reply = { ok: true, result: createBackup(dataDir, dest, { version }) };
  } catch (err) {
    reply = { ok: false, error: (err as Error).message };
  }
  postMessage(reply);
};
