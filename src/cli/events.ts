// aurea events migrate --to clickhouse://user:pass@host:8123/db [--data DIR] [--chunk N]
// Copies the data directory's SQLite event history into ClickHouse, resumably, so the
// server can then run with --events (docs/clickhouse.md, "Moving to ClickHouse").
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { runningServerPid } from "../backup/server-pid";
import { ConfigError, DATA_FLAG, parseFlags, resolveDataDir } from "../config";
import { DATABASE_FILE, openStore } from "../db/open";
import { queueCounts } from "../pipeline/batch-list";
import { ClickHouseUrlError, isClickHouseUrl, maskSecret, parseClickHouseUrl, type ClickHouseTarget } from "../store/clickhouse/connection";
import { copyHistory, CopyRefused } from "../store/clickhouse/copy/copy-history";
import { ClickHouseLink } from "../store/clickhouse/link";
import { EventStoreUnavailable } from "../store/event-writer";
import type { Command } from "./commands";

const FLAGS = {
  ...DATA_FLAG,
  to: { env: "AUREA_EVENTS_URL", type: "string" as const },
  chunk: { type: "number" as const },
};

const DEFAULT_CHUNK = 20_000;

function target(raw: string | undefined): ClickHouseTarget {
  if (!raw) throw new ConfigError("events migrate: give --to clickhouse://user:pass@host:8123/database (or AUREA_EVENTS_URL)");
  if (!isClickHouseUrl(raw)) throw new ConfigError("--to: expected clickhouse://user:pass@host:8123/database (clickhouses:// for TLS)");
  try {
    return parseClickHouseUrl(raw);
  } catch (e) {
    if (e instanceof ClickHouseUrlError) throw new ConfigError(`--to: ${e.message}`);
    throw e;
  }
}

async function migrate(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  if (flags._.length) throw new ConfigError(`events migrate takes no arguments, got "${flags._[0]}"`);
  const to = target(flags.to as string | undefined);
  const chunk = (flags.chunk as number | undefined) ?? DEFAULT_CHUNK;
  if (chunk < 100 || chunk > 1_000_000) throw new ConfigError(`--chunk: expected 100 to 1,000,000 rows, got ${chunk}`);
  const dataDir = resolveDataDir(flags);
  if (!existsSync(join(dataDir, DATABASE_FILE))) throw new ConfigError(`events migrate: no Aurea database in ${dataDir} (give --data DIR)`);
  const pid = runningServerPid(dataDir);
  if (pid !== null) {
    console.error(
      `aurea events migrate: a server (pid ${pid}) is running on ${dataDir}. Stop it first: events it stored during the copy ` +
        "would not reach ClickHouse. Then migrate, then start it with --events.",
    );
    return 1;
  }
  const store = openStore(dataDir);
  const link = new ClickHouseLink(to);
  try {
    console.log(`Copying the event history in ${dataDir} to ${to.shown}`);
    const r = await copyHistory(store.sqlite, link, { source: realpathSync(dataDir), chunk, print: (line) => console.log(line) });
    const queued = queueCounts(store.queue).pending;
    console.log(
      `Copied ${r.events.toLocaleString("en-US")} events and ${r.links.toLocaleString("en-US")} visitor → contact links ` +
        `in ${(r.ms / 1000).toFixed(1)} s${r.resumed ? " (resumed)" : ""}. The SQLite copy stays as it was.`,
    );
    if (queued) console.log(`${queued} queued batches are not processed yet: the server writes them to ClickHouse when it starts with --events.`);
    console.log(`Now start the server on ClickHouse: aurea serve --data ${dataDir} --events ${to.shown} (with the real password)`);
    return 0;
  } catch (e) {
    const message = maskSecret((e as Error).message ?? String(e), to);
    if (e instanceof EventStoreUnavailable) {
      console.error(`aurea events migrate: ${message}\nWhat was copied is kept: run the same command again once ClickHouse answers, and it resumes.`);
    } else if (e instanceof CopyRefused) console.error(`aurea events migrate: ${message}`);
    else console.error(`aurea events migrate: failed: ${message}\nWhat was copied is kept: the same command resumes.`);
    return 1;
  } finally {
    await link.close();
    store.close();
  }
}

export const eventsCommand: Command = {
  summary: "move the event history: events migrate --to clickhouse://… copies it from SQLite into ClickHouse",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "migrate") return migrate(rest);
    throw new ConfigError(`events: expected "migrate" (aurea events migrate --to clickhouse://user:pass@host:8123/database), got ${sub ? `"${sub}"` : "nothing"}`);
  },
};
