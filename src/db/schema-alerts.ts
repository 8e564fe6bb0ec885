// Email alerts: rules (what to watch, whom to tell) and their firings (one per rule and
// window, so an alert goes out at most once per window). Part of the schema
// (re-exported by schema.ts); SQL for these tables lives in src/alerts/.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const alertRules = sqliteTable("alert_rules", {
  id: text("id").primaryKey(),
  funnelId: text("funnel_id").notNull(),
  /** sale | conversion_drop | traffic_spike | webhook_failures | parked_batches | disk_low */
  kind: text("kind").notNull(),
  /** JSON of the kind's settings (threshold, mode…), validated by src/alerts/rule-schema.ts. */
  params: text("params").notNull(),
  /** JSON array of addresses. */
  recipients: text("recipients").notNull(),
  /** At most one alert per this many seconds. */
  windowSeconds: integer("window_seconds").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const alertFirings = sqliteTable(
  "alert_firings",
  {
    ruleId: text("rule_id").notNull(),
    /** Which window fired (e.g. the window's start, or an order id for per-sale alerts). */
    windowKey: text("window_key").notNull(),
    subject: text("subject").notNull(),
    firedAt: integer("fired_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.windowKey] })],
);
