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
  secretKeyHash: text("secret_key_hash").notNull().unique(),
  secretKeyPrefix: text("secret_key_prefix").notNull(),
  /** JSON object of SDK auto-capture choices made when the funnel was registered. */
  capture: text("capture").notNull().default("{}"),
  /** JSON steps definition (window, order, steps), or null when none is defined. */
  steps: text("steps"),
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
     * of a reported conversion): one order's revenue is counted once (src/pipeline/orders.ts).
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
    index("sessions_funnel_anon_last").on(t.funnelId, t.anonymousId, t.lastAt),
    // Distinct visitors over a range without a temporary b-tree (src/analytics/visitors.ts).
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
 * Dashboard rollups (src/analytics/rollups/): what the visits that started in a span
 * add up to, per dimension value (value "" = none). Spans are UTC hours for dimension
 * "all" (charts) and UTC days for the others (panels); `hour` is the span's first hour.
 * Only whole days before the current UTC day are rolled up; newer data is read live.
 */
export const rollupHours = sqliteTable(
  "rollup_hours",
  {
    funnelId: text("funnel_id").notNull(),
    /** "all", a session dimension (channel, source, …) or an event one (page, event). */
    dim: text("dim").notNull(),
    /** Hours since the epoch, UTC: the first hour of the span. */
    hour: integer("hour").notNull(),
    value: text("value").notNull(),
    visits: integer("visits").notNull(),
    /** Visits with at least one conversion. */
    converted: integer("converted").notNull(),
    conversions: integer("conversions").notNull(),
    pageviews: integer("pageviews").notNull(),
    events: integer("events").notNull(),
    bounces: integer("bounces").notNull(),
    durationMs: integer("duration_ms").notNull(),
    /** Event dimensions: how many such events (views of the page, times the event happened). */
    hits: integer("hits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.dim, t.hour, t.value] })],
);

/** Revenue of those visits per dimension value, currency and verified flag (minor units). */
export const rollupRevenue = sqliteTable(
  "rollup_revenue",
  {
    funnelId: text("funnel_id").notNull(),
    dim: text("dim").notNull(),
    hour: integer("hour").notNull(),
    value: text("value").notNull(),
    currency: text("currency").notNull(),
    verified: integer("verified").notNull(),
    minor: integer("minor").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.dim, t.hour, t.value, t.currency, t.verified] })],
);

/** Hours (since the epoch, UTC) whose rollups new events changed: their days are rebuilt before the next read. */
export const rollupDirtyHours = sqliteTable(
  "rollup_dirty_hours",
  {
    funnelId: text("funnel_id").notNull(),
    hour: integer("hour").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.hour] })],
);

/** Funnels whose rollups are built, and how far: every UTC day before builtThroughDay. */
export const rollupBuilt = sqliteTable("rollup_built", {
  funnelId: text("funnel_id").primaryKey(),
  builtAt: integer("built_at").notNull(),
  builtThroughDay: integer("built_through_day").notNull(),
});

/**
 * The funnel report's copy of whole past UTC days of events, narrowed to what journeys
 * need and ordered by day, then type, name, path (src/analytics/journeys-rollup.ts).
 * The migration makes it WITHOUT ROWID and adds triggers on events that keep it exact.
 */
export const journeyEvents = sqliteTable(
  "journey_events",
  {
    funnelId: text("funnel_id").notNull(),
    day: integer("day").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    /** A page view's path ("" when it has none, see hasPath); "" for other events. */
    path: text("path").notNull(),
    ts: integer("ts").notNull(),
    rowId: integer("row_id").notNull(),
    hasPath: integer("has_path").notNull(),
    contactId: integer("contact_id"),
    anonymousId: text("anonymous_id").notNull(),
    revenueMinor: integer("revenue_minor"),
    currency: text("currency"),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.day, t.type, t.name, t.path, t.ts, t.rowId] })],
);

/** Days in journey_events, with the events count and highest row id they were built from. */
export const journeyDays = sqliteTable(
  "journey_days",
  {
    funnelId: text("funnel_id").notNull(),
    day: integer("day").notNull(),
    events: integer("events").notNull(),
    maxRowId: integer("max_row_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.day] })],
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

// Payment connections and their delivery log: ./schema-payments.ts
export * from "./schema-payments";
// Split tests: ./schema-experiments.ts
export * from "./schema-experiments";

// Email digests (subscriptions, sends, signing key): ./schema-reports.ts
export * from "./schema-reports";

// Email alerts (rules and firings): ./schema-alerts.ts
export * from "./schema-alerts";
