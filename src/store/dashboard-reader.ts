// What the dashboard and the read API read from the event plane (./event-store.ts):
// totals, the chart, grouped panels, lists with cursors, live views and export pages.
// Arguments and results are plain, structured-cloneable data (they cross from the
// reader threads); `now` always comes from the request, never from the store's clock.
// SQLite: sqliteDashboardReader in ./sqlite/dashboard/dashboard-reader.ts (answers at once);
// ClickHouse: ./clickhouse/dashboard/ (answers with promises). Callers await every result.
import type { Awaitable } from "./awaitable";
import type { Cursor } from "../analytics/cursor";
import type { DimensionKey } from "../analytics/dimensions";
import type { ExportCursor, ExportKind, ExportPage } from "../analytics/export";
import type { Filter, Scope } from "../analytics/filters";
import type { Range } from "../analytics/range";
import type { EventNameKinds } from "../analytics/event-kinds";
import type { SeriesMetric } from "../analytics/series";
import type { Revenue, Tally } from "../analytics/tally";
import type {
  Breakdown,
  ContactList,
  ContactPage,
  ContactWithJourney,
  EventList,
  EventPropsResult,
  FunnelCardStats,
  LiveNow,
  LiveResult,
  OrderQuery,
  OrderRow,
  Overview,
  Series,
  SessionList,
  SessionPage,
  SessionWithEvents,
  Stats,
  Totals,
} from "./dashboard-views";

export interface SeriesQuery {
  scope: Scope;
  bucket: "hour" | "day";
  tz: string;
  metric: SeriesMetric;
  /** The funnel's first event, when known: picks how distinct visitors are counted. */
  historyStart: number | null;
  now: number;
}

export interface LiveQuery {
  funnelId: string;
  filters: Filter[];
  /** A cursor from an earlier result: only newer rows; null: the latest rows. */
  after: number | null;
  now: number;
  /** Default 30. */
  limit?: number;
  /** Leave out what the SDK captures by itself (scroll depth, section views, …). */
  hideAuto?: boolean;
}

export interface DashboardReader {
  /** The chart: one metric per local hour or day of the scope. */
  series(q: SeriesQuery): Awaitable<Series>;
  /** The stats cards: totals of the scope and of the previous period of the same length. */
  overview(q: { scope: Scope; previous: { from: number; to: number }; historyStart: number | null; knownVisitors: number | null; now: number }): Awaitable<Overview>;
  /** Distinct visitors, tally and revenue of a scope. */
  totals(q: { scope: Scope; historyStart: number | null; now: number }): Awaitable<Totals>;
  /** Everything `totals` gives but distinct visitors (cheaper: no count of distinct ids). */
  sums(q: { scope: Scope; now: number }): Awaitable<{ tally: Tally; revenue: Revenue }>;
  /** The top `limit` values of one dimension within a scope. */
  breakdown(q: { scope: Scope; dim: DimensionKey; limit: number; now: number }): Awaitable<Breakdown>;
  /** Whether the funnel's visits carry regions or cities. */
  hasGeoDetail(q: { funnelId: string; now: number }): Awaitable<boolean>;
  /** How one event's property values break down within a scope. */
  eventProps(q: { scope: Scope; name: string }): Awaitable<EventPropsResult>;
  /** The names the funnel's conversions and identifies go by. */
  eventNameKinds(q: { funnelId: string }): Awaitable<EventNameKinds>;

  /** The live timeline: the latest events, or those written after a cursor. */
  live(q: LiveQuery): Awaitable<LiveResult>;
  /** The cursor of the newest event of any funnel (a live stream starts there). */
  liveCursor(): Awaitable<number>;
  /** The "right now" card. */
  liveNow(q: { funnelId: string; now: number }): Awaitable<LiveNow>;

  /** Visits of a scope, newest first. */
  browseSessions(q: { scope: Scope; limit: number; before: { startedAt: number; id: string } | null }): Awaitable<SessionPage>;
  /** One visit with its events and orders; null when the funnel has no such visit. */
  session(q: { funnelId: string; sessionId: string }): Awaitable<SessionWithEvents | null>;
  /** Contacts with a visit in the scope, most recently seen first. */
  browseContacts(q: { scope: Scope; limit: number; before: { lastSeen: number; id: number } | null }): Awaitable<ContactPage>;
  /** One contact with their whole journey and orders; null when the funnel has no such contact. */
  contact(q: { funnelId: string; contactId: number }): Awaitable<ContactWithJourney | null>;
  /** One page of a CSV export after `before` (null: the first page). */
  exportPage(q: { kind: ExportKind; scope: Scope; tz: string; before: ExportCursor | null }): Awaitable<ExportPage>;

  /** The /funnels cards for every funnel, keyed by funnel id, over the `days` (default 7) days before `now`. */
  funnelCards(q: { now: number; days?: number }): Awaitable<Map<string, FunnelCardStats>>;
  /** One row per order bought in the range, with its refunds and credited visit. */
  revenueOrders(q: OrderQuery): Awaitable<OrderRow[]>;

  /** The read API: headline numbers, and events, sessions and contacts newest first. */
  stats(q: { funnelId: string; range: Range }): Awaitable<Stats>;
  events(q: { funnelId: string; limit: number; before: Cursor | null }): Awaitable<EventList>;
  sessions(q: { funnelId: string; limit: number; before: Cursor | null }): Awaitable<SessionList>;
  contacts(q: { funnelId: string; limit: number; before: Cursor | null }): Awaitable<ContactList>;
}
