// The event plane's derived tables: dashboard rollups and the funnel report's copy of
// past days (re-exported by ./schema.ts, which drizzle-kit reads).
import { blob, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Dashboard rollups (src/store/sqlite/rollups/): what the visits that started in a span
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

/**
 * Distinct visitors cannot be summed over hours, so each whole UTC hour of the
 * dashboard rollups also keeps who came: the visitors keys of the visits that started
 * in it, distinct, ascending, as 4-byte little-endian integers (src/store/sqlite/rollups/visitor-sets.ts).
 * A range's or a local day's visitors are the union of its hours' sets.
 */
export const rollupVisitors = sqliteTable(
  "rollup_visitors",
  {
    funnelId: text("funnel_id").notNull(),
    /** Hours since the epoch, UTC. */
    hour: integer("hour").notNull(),
    visitors: blob("visitors", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.funnelId, t.hour] })],
);

/**
 * The same per page: the visitors of the visits that started in the hour and viewed the
 * page, so a view filtered by that page counts its visitors from the rollups too.
 */
export const rollupPageVisitors = sqliteTable(
  "rollup_page_visitors",
  {
    funnelId: text("funnel_id").notNull(),
    path: text("path").notNull(),
    hour: integer("hour").notNull(),
    visitors: blob("visitors", { mode: "buffer" }).notNull(),
  },
  // Hour before path: rebuilding or expiring days deletes by hour.
  (t) => [primaryKey({ columns: [t.funnelId, t.hour, t.path] })],
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
 * need and ordered by funnel key, day, kind, path (src/store/sqlite/rollups/journeys-rollup.ts).
 * The migration makes it WITHOUT ROWID and adds triggers on events that keep it exact.
 */
export const journeyEvents = sqliteTable(
  "journey_events",
  {
    /** funnel_keys.key */
    funnel: integer("funnel").notNull(),
    day: integer("day").notNull(),
    /** kinds.id */
    kind: integer("kind").notNull(),
    /** strings.id of a page view's path; 0 when it has none (see hasPath) and for other events. */
    path: integer("path").notNull(),
    ts: integer("ts").notNull(),
    rowId: integer("row_id").notNull(),
    hasPath: integer("has_path").notNull(),
    /** visitors.key */
    visitor: integer("visitor").notNull(),
    contactId: integer("contact_id"),
    revenueMinor: integer("revenue_minor"),
    currency: text("currency"),
  },
  (t) => [primaryKey({ columns: [t.funnel, t.day, t.kind, t.path, t.ts, t.rowId] })],
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
 * Changes to a funnel's journey copies that journey_days does not show: a day rebuilt or
 * appended to, copies deleted, a contact id back-filled in place (trigger, migration
 * 0021). A funnel report cached for past days is valid while this and its days' rows
 * are unchanged (src/store/sqlite/journeys/journeys-stamp.ts).
 */
export const journeyChanges = sqliteTable("journey_changes", {
  /** funnel_keys.key */
  funnel: integer("funnel").primaryKey(),
  n: integer("n").notNull().default(0),
});
