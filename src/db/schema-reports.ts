// Email digests: who gets which funnel's digest, which digests went out, and the key
// that signs unsubscribe links. Part of the schema (re-exported by schema.ts); SQL for
// these tables lives in src/reports/subscriptions.ts, src/reports/sends.ts and
// src/mail/secret.ts.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One per funnel, address and cadence: that address gets that digest. */
export const reportSubscriptions = sqliteTable(
  "report_subscriptions",
  {
    funnelId: text("funnel_id").notNull(),
    /** Lower-cased address. */
    email: text("email").notNull(),
    /** weekly | monthly */
    cadence: text("cadence").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.email, t.cadence] })],
);

/**
 * One row per digest that was (or is being) sent: funnel + address + cadence + period
 * start. Written as "sending" and committed before the SMTP conversation starts, so a
 * crash mid-send leaves a row that stops a second send (see src/reports/sends.ts).
 */
export const reportSends = sqliteTable(
  "report_sends",
  {
    key: text("key").primaryKey(),
    funnelId: text("funnel_id").notNull(),
    email: text("email").notNull(),
    cadence: text("cadence").notNull(),
    periodFrom: integer("period_from").notNull(),
    periodTo: integer("period_to").notNull(),
    /** sending | sent | failed | unknown (a crash mid-send: it may or may not have arrived) */
    status: text("status").notNull(),
    messageId: text("message_id").notNull(),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("report_sends_funnel").on(t.funnelId, t.updatedAt)],
);

/** Random keys made once per database (e.g. "unsubscribe": signs unsubscribe links). */
export const mailSecrets = sqliteTable("mail_secrets", {
  name: text("name").primaryKey(),
  secret: text("secret").notNull(),
  createdAt: integer("created_at").notNull(),
});
