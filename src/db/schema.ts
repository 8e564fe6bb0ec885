// The whole database, one table per noun. Times are UTC milliseconds; money is
// integer minor units plus an ISO 4217 currency. drizzle-kit generates the
// migrations in drizzle/ from this file (`bun run db:generate`).
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const funnels = sqliteTable("funnels", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  url: text("url").notNull(),
  /** JSON array of allowed origins, e.g. ["https://shop.example"]. */
  origins: text("origins").notNull(),
  publicKeyHash: text("public_key_hash").notNull().unique(),
  publicKeyPrefix: text("public_key_prefix").notNull(),
  /** The public key in clear (it is in page source by design); null for funnels made before it was kept. */
  publicKey: text("public_key"),
  secretKeyHash: text("secret_key_hash").notNull().unique(),
  secretKeyPrefix: text("secret_key_prefix").notNull(),
  /** JSON array of query parameters kept in recorded URLs besides campaign tags and click ids (src/enrich/url-privacy.ts). */
  keptParams: text("kept_params").notNull().default("[]"),
  /** JSON object of SDK auto-capture choices made when the funnel was registered. */
  capture: text("capture").notNull().default("{}"),
  /** JSON steps definition (window, order, steps), or null when none is defined. */
  steps: text("steps"),
  /** IANA zone every page, report and export of the funnel uses; null until set (src/funnels/time-zone.ts). */
  timeZone: text("time_zone"),
  /** Keep events this many days; null keeps them forever. */
  retentionDays: integer("retention_days"),
  botsDropped: integer("bots_dropped").notNull().default(0),
  firstEventAt: integer("first_event_at"),
  /** ISO 4217 code revenue is shown in; null: the most common currency of its orders, else USD. */
  currency: text("currency"),
  createdAt: integer("created_at").notNull(),
});

// The ingest queue (ingest_batches) lives in a database file of its own: src/db/queue-db.ts.

// The event plane (events, visits, visitors, the dictionaries, contacts' visitors) in the
// compact layout: ./schema-events.ts. Contacts stay here: they are a control-plane noun too.
export * from "./schema-events";

export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    funnelId: text("funnel_id").notNull(),
    email: text("email"),
    userId: text("user_id"),
    name: text("name"),
    /** JSON object of the latest traits. */
    traits: text("traits").notNull().default("{}"),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    firstChannel: text("first_channel"),
    firstSource: text("first_source"),
    conversions: integer("conversions").notNull().default(0),
    /** JSON object {CURRENCY: minor units}. */
    revenue: text("revenue").notNull().default("{}"),
  },
  (t) => [
    uniqueIndex("contacts_funnel_email").on(t.funnelId, t.email),
    uniqueIndex("contacts_funnel_user").on(t.funnelId, t.userId),
    index("contacts_funnel_last").on(t.funnelId, t.lastSeen),
  ],
);

/** Daily random salts for cookieless visitor hashes; old ones are deleted. */
export const visitorSalts = sqliteTable("visitor_salts", {
  day: text("day").primaryKey(),
  salt: text("salt").notNull(),
});

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  /** owner | viewer */
  role: text("role").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Failed sign-ins per account, so that growing delays survive a restart and `aurea user unlock` can clear them. */
export const loginThrottle = sqliteTable("login_throttle", {
  /** "account:<email>" */
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: integer("last_failure_at").notNull(),
});

export const userSessions = sqliteTable("user_sessions", {
  tokenHash: text("token_hash").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  csrfToken: text("csrf_token").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export const automations = sqliteTable(
  "automations",
  {
    id: text("id").primaryKey(),
    funnelId: text("funnel_id").notNull(),
    name: text("name").notNull(),
    /** JSON trigger, e.g. {"type":"event","name":"purchase"}. */
    trigger: text("trigger").notNull(),
    /** JSON array of conditions. */
    conditions: text("conditions").notNull().default("[]"),
    /** JSON action, e.g. {"type":"webhook","url":"…","headers":{}}. */
    action: text("action").notNull(),
    /** The whsec_ signing secret; kept readable because every delivery is signed with it. */
    secret: text("secret").notNull(),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    cooldownSeconds: integer("cooldown_seconds"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("automations_funnel").on(t.funnelId)],
);

/** One row per (rule, occurrence): makes "fires at most once" a unique index. */
export const automationFirings = sqliteTable(
  "automation_firings",
  {
    automationId: text("automation_id").notNull(),
    occurrence: text("occurrence").notNull(),
    visitor: text("visitor").notNull(),
    firedAt: integer("fired_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.automationId, t.occurrence] }),
    index("automation_firings_visitor").on(t.automationId, t.visitor, t.firedAt),
  ],
);

/** Durable background jobs (webhook deliveries, abandonment checks, housekeeping). */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    payload: text("payload").notNull(),
    /** pending | running | done | failed */
    status: text("status").notNull().default("pending"),
    runAt: integer("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    lastError: text("last_error"),
    lockedUntil: integer("locked_until"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("jobs_status_run_at").on(t.status, t.runAt)],
);

export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    automationId: text("automation_id").notNull(),
    funnelId: text("funnel_id").notNull(),
    /** The exact JSON body that is signed and sent on every attempt. */
    body: text("body").notNull(),
    /** pending | delivered | failed */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    test: integer("test", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("deliveries_automation").on(t.automationId, t.createdAt),
    index("deliveries_funnel_status").on(t.funnelId, t.status),
  ],
);

export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: integer("at").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms"),
    responseSnippet: text("response_snippet"),
    error: text("error"),
  },
  (t) => [index("delivery_attempts_delivery").on(t.deliveryId, t.attempt)],
);

/**
 * One row: the highest queue batch id whose processing this database holds, and which
 * queue file it was counted in. Written in every processing run; compared at start
 * with the queue's own marks (src/db/files-check.ts) to notice a lost WAL.
 */
export const pipelineMarks = sqliteTable("pipeline_marks", {
  id: integer("id").primaryKey(),
  lastBatchId: integer("last_batch_id").notNull().default(0),
  queueId: text("queue_id"),
});

// Dashboard rollups and the funnel report's journey copy: ./schema-rollups.ts
export * from "./schema-rollups";
// Payment connections and their delivery log: ./schema-payments.ts
export * from "./schema-payments";
// Split tests: ./schema-experiments.ts
export * from "./schema-experiments";

// Email digests (subscriptions, sends, signing key): ./schema-reports.ts
export * from "./schema-reports";

// Email alerts (rules and firings): ./schema-alerts.ts
export * from "./schema-alerts";

// Which funnels each viewer may see: ./schema-access.ts
export * from "./schema-access";

// The storage layout migration's progress: ./schema-layout.ts
export * from "./schema-layout";
