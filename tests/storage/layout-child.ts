// A process that runs one chunked layout step over DIR's events, for the crash test:
// with CRASH_AFTER=N it kills itself (SIGKILL, like a power cut to SQLite) right after
// the Nth committed chunk.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { copyByRowRanges } from "../../src/db/layout/chunks";
import { migrateLayout } from "../../src/db/layout/run";
import type { LayoutStep } from "../../src/db/layout/steps";

const dir = process.argv[2];
const crashAfter = Number(process.env.CRASH_AFTER ?? 0);
const sqlite = new Database(join(dir, "aurea.db"));
sqlite.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000");

let chunks = 0;
const copyIds: LayoutStep = {
  id: "test-copy-event-ids",
  describe: "copying event ids (test step)",
  required: true,
  needed: () => true,
  run(db, ctx) {
    db.exec("CREATE TABLE IF NOT EXISTS copied_ids (row_id INTEGER PRIMARY KEY, funnel_id TEXT NOT NULL, id TEXT NOT NULL)");
    copyByRowRanges(db, ctx, {
      maxSql: "SELECT max(row_id) AS n FROM events",
      rangeSql: "INSERT INTO copied_ids SELECT row_id, funnel_id, id FROM events WHERE row_id > ?1 AND row_id <= ?2",
      chunk: 500,
      afterChunk: () => {
        if (++chunks === crashAfter) process.kill(process.pid, "SIGKILL");
      },
    });
    return true;
  },
};

const done = migrateLayout(sqlite, { log: (l) => console.log(l), backup: () => "none", steps: [copyIds], alwaysProgress: true });
console.log(JSON.stringify({ done }));
sqlite.close();
