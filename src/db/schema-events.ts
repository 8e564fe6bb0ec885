// The event plane in the compact layout (docs/storage.md, issue 17): one small integer
// per funnel, visitor, visit, and per repeated string or combination of strings, so that
// an event row and its index entries are a few dozen bytes. Re-exported by ./schema.ts.
//
// Public ids (event, visit and visitor ids) are stored like src/store/sqlite/layout/public-id.ts
// encodes them: a lowercase UUID as its 16 bytes, anything else as its text. Those columns
// are declared BLOB: no type affinity, so a text id such as "0123" is kept as it came
// (a column declared ANY outside a STRICT table would have NUMERIC affinity and store 123).
//
// The previous layout's tables are renamed legacy_* by the migration and copied over by
// the `compact-layout` step (src/db/layout/), which drops them; they are not declared here.
import { sql } from "drizzle-orm";
import { customType, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A column that holds text or bytes (or an integer, for props), stored as given. */
const stored = customType<{ data: string | Uint8Array | number }>({ dataType: () => "blob" });

/** One small integer per funnel; a reader that finds no key for a funnel has no data for it. */
export const funnelKeys = sqliteTable("funnel_keys", {
  key: integer("key").primaryKey(),
  funnelId: text("funnel_id").notNull().unique(),
});

/** Paths, URLs, titles, referrers and props of up to 64 bytes, once. Rows are never updated. */
export const strings = sqliteTable("strings", {
  id: integer("id").primaryKey(),
  value: text("value").notNull().unique(),
});

/** An event's type and name together (page_view/page_view, track/cta_clicked…). */
export const kinds = sqliteTable(
  "kinds",
  {
    id: integer("id").primaryKey(),
    type: text("type").notNull(),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("kinds_type_name").on(t.type, t.name)],
);

// clients, places and sources: one row per combination, NULLs included. SQLite's UNIQUE
// treats NULLs as distinct, so the single writer keeps them unique (looked up with IS).
export const clients = sqliteTable(
  "clients",
  {
    id: integer("id").primaryKey(),
    browser: text("browser"),
    browserVersion: text("browser_version"),
    os: text("os"),
    device: text("device"),
    screenW: integer("screen_w"),
    screenH: integer("screen_h"),
    language: text("language"),
    timezone: text("timezone"),
  },
  (t) => [index("clients_all").on(t.browser, t.browserVersion, t.os, t.device, t.screenW, t.screenH, t.language, t.timezone)],
);

export const places = sqliteTable(
  "places",
  {
    id: integer("id").primaryKey(),
    country: text("country"),
    region: text("region"),
    city: text("city"),
  },
  (t) => [index("places_all").on(t.country, t.region, t.city)],
);

/** Where a visit came from: channel, referrer host and campaign tags. */
export const sources = sqliteTable(
  "sources",
  {
    id: integer("id").primaryKey(),
    channel: text("channel"),
    referrerHost: text("referrer_host"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
  },
  (t) => [index("sources_all").on(t.channel, t.referrerHost, t.utmSource, t.utmMedium, t.utmCampaign, t.utmTerm, t.utmContent)],
);

/** Public visitor (anonymous) ids, once per funnel; events, visits and contacts hold the key. */
export const visitors = sqliteTable(
  "visitors",
  {
    key: integer("key").primaryKey(),
    funnel: integer("funnel").notNull(),
    publicId: stored("public_id").notNull(),
  },
  (t) => [uniqueIndex("visitors_funnel_public").on(t.funnel, t.publicId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** What events.session holds. */
    key: integer("key").primaryKey(),
    funnel: integer("funnel").notNull(),
    /** The SDK's session id, encoded. */
    publicId: stored("public_id").notNull(),
    visitor: integer("visitor").notNull(),
    contactId: integer("contact_id"),
    startedAt: integer("started_at").notNull(),
    lastAt: integer("last_at").notNull(),
    /** strings.id */
    entryPath: integer("entry_path"),
    exitPath: integer("exit_path"),
    pageviews: integer("pageviews").notNull().default(0),
    events: integer("events").notNull().default(0),
    durationMs: integer("duration_ms").notNull().default(0),
    /** One page view and nothing else that counts as engagement. */
    bounce: integer("bounce").notNull().default(1),
    source: integer("source"),
    /** clients.id of the visit's first event. */
    client: integer("client"),
    place: integer("place"),
    clickId: text("click_id"),
    converted: integer("converted").notNull().default(0),
    conversions: integer("conversions").notNull().default(0),
    /** JSON object {CURRENCY: minor units}; NULL means {}. */
    revenue: text("revenue"),
  },
  (t) => [
    uniqueIndex("sessions_funnel_public").on(t.funnel, t.publicId),
    index("sessions_funnel_started").on(t.funnel, t.startedAt),
    // Distinct visitors over a range, a visitor's visits (continuing one, a contact's),
    // and through them a visitor's events (events has no visitor index).
    index("sessions_funnel_visitor").on(t.funnel, t.visitor, t.startedAt),
    // A contact's visits in a range: the contacts list checks the most recent contacts one by one.
    index("sessions_funnel_contact").on(t.funnel, t.contactId, t.startedAt).where(sql`contact_id IS NOT NULL`),
  ],
);

export const events = sqliteTable(
  "events",
  {
    /** Never reused (AUTOINCREMENT): live cursors and the journey copy count on it. */
    rowId: integer("row_id").primaryKey({ autoIncrement: true }),
    funnel: integer("funnel").notNull(),
    /** The client's event id, encoded; unique per funnel so retries are harmless. */
    id: stored("id").notNull(),
    /** kinds.id */
    kind: integer("kind").notNull(),
    ts: integer("ts").notNull(),
    visitor: integer("visitor").notNull(),
    session: integer("session").notNull(),
    /** strings.id */
    path: integer("path"),
    url: integer("url"),
    title: integer("title"),
    referrer: integer("referrer"),
    client: integer("client"),
    place: integer("place"),
    source: integer("source"),
    /** An integer: strings.id of the JSON (up to 64 bytes); text: the JSON itself; NULL: none. */
    props: stored("props"),
    contactId: integer("contact_id"),
    userId: text("user_id"),
    revenueMinor: integer("revenue_minor"),
    currency: text("currency"),
    /** 1 or NULL. */
    verified: integer("verified"),
    clickId: text("click_id"),
    /** Comma-separated flags, e.g. "clock_clamped". */
    flags: text("flags"),
    /** The order a conversion or refund is about (src/store/sqlite/writer/orders.ts). */
    orderId: text("order_id"),
  },
  (t) => [
    uniqueIndex("events_funnel_id").on(t.funnel, t.id),
    index("events_funnel_ts").on(t.funnel, t.ts),
    // Covering: a visit's pages and events without reading event rows.
    index("events_funnel_session").on(t.funnel, t.session, t.ts, t.kind, t.path),
    // Covering: "viewed page P" / "did event E", conversions, event props, step hits.
    index("events_funnel_kind").on(t.funnel, t.kind, t.path, t.ts, t.session),
    index("events_funnel_order").on(t.funnel, t.orderId).where(sql`order_id IS NOT NULL`),
    // Events with revenue by time (a few per hundred): filtered revenue reads a range of
    // them; in (funnel, kind, path, ts, …) a conversion's path leaves ts unbounded (a year of them).
    index("events_funnel_revenue").on(t.funnel, t.ts).where(sql`revenue_minor IS NOT NULL`),
  ],
);

/** Which visitors a contact has used (the funnel is the visitor's), so their pre-identify journey is theirs. */
export const contactVisitors = sqliteTable(
  "contact_visitors",
  {
    visitor: integer("visitor").primaryKey(),
    contactId: integer("contact_id").notNull(),
    linkedAt: integer("linked_at").notNull(),
  },
  (t) => [index("contact_visitors_contact").on(t.contactId)],
);
