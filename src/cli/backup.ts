// aurea backup DIR: a consistent, checked copy of the data directory, safe while serving.
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir, resolveEventStore } from "../config";
import { EVENTS_FLAG } from "./event-readers";
import { createBackup, yieldCpuToServer } from "../backup/create";
import { BackupError } from "../backup/manifest";
import type { Command } from "./commands";
import { VERSION } from "./version";

const FLAGS = { ...DATA_FLAG, ...EVENTS_FLAG, json: { type: "boolean" as const } };

export const backupCommand: Command = {
  summary: "copy both databases into a new directory, checked, while the server runs",
  async run(argv) {
    const flags = parseFlags(argv, FLAGS);
    const [dir, extra] = flags._;
    if (!dir || extra) throw new ConfigError("backup: give one directory to write the backup into, e.g. aurea backup /var/backups/aurea/today");
    yieldCpuToServer();
    try {
      const r = createBackup(resolveDataDir(flags), dir, { version: VERSION });
      if (flags.json) console.log(JSON.stringify(r));
      else {
        const mb = (r.bytes / 1024 / 1024).toFixed(1);
        console.log(`Backup written to ${r.dir}: ${r.files.join(", ")} (${mb} MB, ${r.events} events), integrity ok.`);
        console.log(`Restore it with: aurea restore ${r.dir} --data DIR (with the server stopped)`);
        const ch = resolveEventStore(flags);
        if (ch) console.log(`The events are in ClickHouse (${ch.shown}), not in this backup: back that database up with ClickHouse's own BACKUP.`);
      }
      return 0;
    } catch (e) {
      if (e instanceof BackupError) {
        console.error(`aurea backup: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
