// The whole database, one table per noun. Times are UTC milliseconds; money is
// integer minor units plus an ISO 4217 currency. drizzle-kit generates the
// migrations in drizzle/ from this file (`bun run db:generate`).
import { sql } from "drizzle-orm";
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

export const events = sqliteTable(
  "events",
  {
    rowId: integer("row_id").primaryKey({ autoIncrement: true }),
    funnelId: text("funnel_id").notNull(),
    /** The client's event UUID; unique per funnel so retries are harmless. */
    id: text("id").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    ts: integer("ts").notNull(),
    receivedAt: integer("received_at").notNull(),
    anonymousId: text("anonymous_id").notNull(),
    sessionId: text("session_id").notNull(),
    userId: text("user_id"),
    contactId: integer("contact_id"),
    url: text("url"),
    path: text("path"),
    title: text("title"),
    referrer: text("referrer"),
    referrerHost: text("referrer_host"),
    screenW: integer("screen_w"),
    screenH: integer("screen_h"),
    language: text("language"),
    timezone: text("timezone"),
    /** JSON object of flat props. */
    props: text("props"),
    revenueMinor: integer("revenue_minor"),
    currency: text("currency"),
    verified: integer("verified", { mode: "boolean" }).notNull().default(false),
    browser: text("browser"),
    browserVersion: text("browser_version"),
    os: text("os"),
    device: text("device"),
    country: text("country"),
    region: text("region"),
    city: text("city"),
    channel: text("channel"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
    clickId: text("click_id"),
    /** Comma-separated flags, e.g. "clock_clamped". */
    flags: text("flags"),
    /**
     * The order a conversion or refund is about (a provider's order id, or props.order_id
     * of a reported conversion): one order's revenue is counted once (src/store/sqlite/writer/orders.ts).
     */
    orderId: text("order_id"),
  },
  (t) => [
    uniqueIndex("events_funnel_event_id").on(t.funnelId, t.id),
    index("events_funnel_ts").on(t.funnelId, t.ts),
    // Covering for the dashboard: a visit's pages and events without reading event rows.
    index("events_funnel_session").on(t.funnelId, t.sessionId, t.ts, t.type, t.name, t.path),
    index("events_funnel_anon").on(t.funnelId, t.anonymousId, t.ts),
    // Dashboard filters "viewed page P" / "did event E", conversions for revenue and the
    // event property drill-down: covering, so finding matching visits reads no event rows.
    index("events_funnel_type_name").on(t.funnelId, t.type, t.name, t.path, t.ts, t.sessionId),
    index("events_funnel_order").on(t.funnelId, t.orderId).where(sql`order_id IS NOT NULL`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    funnelId: text("funnel_id").notNull(),
    id: text("id").notNull(),
    anonymousId: text("anonymous_id").notNull(),
    contactId: integer("contact_id"),
    startedAt: integer("started_at").notNull(),
    lastAt: integer("last_at").notNull(),
    entryPath: text("entry_path"),
    exitPath: text("exit_path"),
    pageviews: integer("pageviews").notNull().default(0),
    events: integer("events").notNull().default(0),
    durationMs: integer("duration_ms").notNull().default(0),
    /** One page view and nothing else that counts as engagement. */
    bounce: integer("bounce", { mode: "boolean" }).notNull().default(true),
    channel: text("channel"),
    referrerHost: text("referrer_host"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
    clickId: text("click_id"),
    browser: text("browser"),
    os: text("os"),
    device: text("device"),
    country: text("country"),
    region: text("region"),
    city: text("city"),
    converted: integer("converted", { mode: "boolean" }).notNull().default(false),
    conversions: integer("conversions").notNull().default(0),
    /** JSON object {CURRENCY: minor units}. */
    revenue: text("revenue").notNull().default("{}"),
  },
  (t) => [
    primaryKey({ columns: [t.funnelId, t.id] }),
    index("sessions_funnel_started").on(t.funnelId, t.startedAt),
    // Distinct visitors over a range without a temporary b-tree (src/store/sqlite/dashboard/visitors.ts);
    // also a visitor's visits (continuing one, a contact's): the (…, last_at) twin is gone (docs/storage.md).
    index("sessions_funnel_anon_started").on(t.funnelId, t.anonymousId, t.startedAt),
  ],
);

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

/** Which anonymous ids a contact has used, so their pre-identify journey is theirs. */
export const contactVisitors = sqliteTable(
  "contact_visitors",
  {
    funnelId: text("funnel_id").notNull(),
    anonymousId: text("anonymous_id").notNull(),
    contactId: integer("contact_id").notNull(),
    linkedAt: integer("linked_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.funnelId, t.anonymousId] }),
    index("contact_visitors_contact").on(t.contactId),
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
