// The storage layout migration's own bookkeeping (src/db/layout/): one row per step,
// so a step interrupted by a crash resumes where its last committed chunk left it.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const storageLayout = sqliteTable("storage_layout", {
  /** A step's id (src/db/layout/steps.ts), or "backup" for the backup taken before the first step. */
  step: text("step").primaryKey(),
  /** JSON the step keeps between chunks (a cursor), or the backup's directory. */
  state: text("state"),
  startedAt: integer("started_at").notNull(),
  /** Null while the step is unfinished. */
  doneAt: integer("done_at"),
});
