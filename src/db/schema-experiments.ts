// Split tests of a funnel (control plane). Part of the schema (re-exported by
// schema.ts); its SQL lives in src/experiments/store.ts.
import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const experiments = sqliteTable(
  "experiments",
  {
    funnelId: text("funnel_id").notNull(),
    /** What pages and code name it by: data-aurea-variant="key:name", aurea.variant(key). */
    key: text("key").notNull(),
    /** JSON array of {name, weight}; weights are whole percents summing to 100; the first is the control. */
    variants: text("variants").notNull(),
    /** step:N | conversion:NAME | revenue */
    metric: text("metric").notNull(),
    /** JSON array of further metrics, same syntax. */
    secondaryMetrics: text("secondary_metrics").notNull().default("[]"),
    /** JSON object variant name → URL (split-URL mode), or {} when variants are elements on one page. */
    splitUrls: text("split_urls").notNull().default("{}"),
    /** running | stopped */
    status: text("status").notNull(),
    /** Stopped with a winner: everyone sees it. Stopped without: everyone sees the control. */
    winner: text("winner"),
    /** Relative lift the test is sized to detect, e.g. 0.1 for +10 %. */
    minimumDetectableEffect: real("minimum_detectable_effect").notNull().default(0.1),
    startedAt: integer("started_at").notNull(),
    stoppedAt: integer("stopped_at"),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.key] })],
);
