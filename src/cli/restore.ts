// aurea restore DIR: put a backup in place of the data directory's databases.
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir } from "../config";
import { BackupError } from "../backup/manifest";
import { restoreBackup } from "../backup/restore";
import type { Command } from "./commands";

const FLAGS = { ...DATA_FLAG, json: { type: "boolean" as const } };

export const restoreCommand: Command = {
  summary: "replace the data directory's databases with a backup (server stopped)",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const [dir, extra] = flags._;
    if (!dir || extra) throw new ConfigError("restore: give the backup directory, e.g. aurea restore /var/backups/aurea/today --data /var/lib/aurea");
    try {
      const r = restoreBackup(dir, resolveDataDir(flags));
      const m = r.manifest;
      if (flags.json) {
        console.log(JSON.stringify({ dataDir: r.dataDir, createdAt: m.createdAt, version: m.version, events: m.events, queuedBatches: m.queuedBatches, setAside: r.setAside }));
      } else {
        console.log(`Restored the backup of ${m.createdAt} (Aurea ${m.version}, ${m.events} events, ${m.queuedBatches} queued batches) into ${r.dataDir}.`);
        if (r.setAside) console.log(`The files it replaced are kept in ${r.setAside}; delete them once you are sure.`);
        console.log("Start the server: queued batches are processed, and a newer Aurea migrates the schema.");
      }
      return 0;
    } catch (e) {
      if (e instanceof BackupError) {
        console.error(`aurea restore: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
