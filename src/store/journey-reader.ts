// What the funnel report, the step checks, experiments and automations read of the
// event plane (./event-store.ts): per visitor, the events that may be step hits (for
// the pure funnel maths in src/analytics/funnel-progress.ts), who a visitor is and
// where they came from, a visitor's timeline, experiment exposures and what followed.
import type { Awaitable } from "./awaitable";
import type { Filter } from "../analytics/filters";
import type { VisitorJourney } from "../analytics/funnel-progress";
import type { NearMiss } from "../analytics/steps-near-miss";
import type { Step, StepsDefinition } from "../funnels/steps-definition";
import type { EventView, OrderRow, SourceFields } from "./dashboard-views";

export const BREAKDOWN_DIMENSIONS = [
  "channel", "referrer", "utm_source", "utm_medium", "utm_campaign", "device", "browser", "country", "landing_page",
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export interface JourneyQuery {
  def: StepsDefinition;
  /** Entries (step 1) in [from, to); later steps count up to to + window. */
  from: number;
  to: number;
  /** Each journey carries its entry's value of this dimension. */
  breakdown?: BreakdownDimension;
  /** The dashboard filters: a journey starts only at a step-1 hit in a visit that matches them. */
  filters?: Filter[];
  /** Whole UTC days before this may come from the journey copies (default: the start of today). */
  rollupBefore?: number;
  /**
   * false: the caller only counts (the report, not its drill-down), so `visitor` may be
   * any key unique per visitor instead of "c<contact id>" / "a<anonymous id>" (no lookups).
   */
  visitorIds?: boolean;
}

export interface LastEvent {
  type: string;
  name: string;
  path: string | null;
  ts: number;
  sessionId: string;
  anonymousId: string;
}

/** Visitor keys: "c<contact id>" or "a<anonymous id>", as journeys name them. */
export interface VisitorIdentity {
  visitor: string;
  contactId: number | null;
  anonymousId: string | null;
  email: string | null;
  contactName: string | null;
  lastEvent: LastEvent | null;
}

export interface VisitorEntry {
  /** The entry visit's channel ("Organic Search"…) and its most telling source. */
  channel: string | null;
  source: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
  city: string | null;
  firstSeen: number | null;
}

/** The step check looks at this many days before now. */
export const CHECK_DAYS = 30;

export interface StepCheck {
  visitors: number;
  /** The count stopped at the read bound: there are at least `visitors`. */
  atLeast: boolean;
  suggestions: (NearMiss & { visitors: number; atLeast: boolean })[];
}

export interface SuggestedSteps {
  window: string;
  order: "sequential";
  steps: Step[];
}

export interface ResultsWindow {
  funnelId: string;
  key: string;
  from: number;
  /** inclusive */
  to: number;
}

export interface ExposedVisitor {
  visitor: string;
  variant: string;
  /** ms of the first exposure */
  first: number;
  device: string | null;
  channel: string | null;
}

export interface LaterEvent {
  visitor: string;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
}

export interface SessionInfo extends SourceFields {
  id: string;
  startedAt: number;
  entryPath: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
}

export interface ContactInfo {
  id: number;
  email: string | null;
  userId: string | null;
  name: string | null;
  traits: Record<string, unknown>;
  firstSeen: number;
}

export interface TimelineEvent {
  rowId: number;
  type: string;
  name: string;
  path: string | null;
  props: Record<string, unknown> | null;
  ts: number;
}

/** A visitor's events in a time range is capped: a bot-like visitor must not stall ingestion. */
export const VISITOR_EVENTS_CAP = 2000;

/**
 * What automations look up while events are processed (inside the processing
 * transaction, synchronously): the visit and timeline include the run being applied.
 * SQLite answers with indexed lookups on the writer's connection; ClickHouse from what
 * its staged writer loaded before the transaction plus the run's own rows
 * (clickhouse/writer/run-lookups.ts).
 */
export interface VisitorLookups {
  sessionOf(funnelId: string, sessionId: string): SessionInfo | null;
  contactById(id: number | null): ContactInfo | null;
  /** The contact an anonymous id is linked to now, if any. */
  contactOfVisitor(funnelId: string, anonymousId: string): number | null;
  eventByRowId(rowId: number): (EventView & { rowId: number }) | null;
  /** The visitor's events with from <= ts <= to, oldest first (the latest VISITOR_EVENTS_CAP of them). */
  timelineOf(funnelId: string, anonymousId: string, from: number, to: number): TimelineEvent[];
}

/** Where an event is, when known: lets a store over the network find it without scanning (its funnel and time). */
export interface EventPlace {
  funnelId: string;
  ts: number;
}

/** The same lookups outside any transaction (the abandonment check, a job): a store over the network answers them async. */
export interface VisitorReads {
  sessionOf(funnelId: string, sessionId: string): Awaitable<SessionInfo | null>;
  contactById(id: number | null): Awaitable<ContactInfo | null>;
  contactOfVisitor(funnelId: string, anonymousId: string): Awaitable<number | null>;
  eventByRowId(rowId: number, place?: EventPlace): Awaitable<(EventView & { rowId: number }) | null>;
  timelineOf(funnelId: string, anonymousId: string, from: number, to: number): Awaitable<TimelineEvent[]>;
}

export interface JourneyReader extends VisitorReads {
  /** Per visitor who entered in [from, to), their possible step hits (and conversions) in time order (may be made as they are iterated). */
  journeys(funnelId: string, q: JourneyQuery): Awaitable<Iterable<VisitorJourney>>;
  /**
   * A string that changes whenever the journeys of `q` could: the same stamp, the same
   * journeys (so a report over them may be kept). Null when that cannot be told cheaply.
   */
  journeysStamp?(funnelId: string, q: JourneyQuery, now: number): Awaitable<string | null>;
  /** For drill-down lists: who each visitor is and their latest event. */
  visitorIdentities(funnelId: string, keys: string[]): Awaitable<VisitorIdentity[]>;
  /** For drill-down lists: the visit each entered the funnel in, and when they were first seen. */
  visitorEntries(funnelId: string, visitors: { visitor: string; enteredAt: number }[]): Awaitable<VisitorEntry[]>;
  /** How many visitors each step matched in the last CHECK_DAYS days, with near misses; null when nothing was recorded. */
  checkSteps(funnelId: string, steps: Step[], now: number): Awaitable<StepCheck[] | null>;
  /** A starting point for a funnel without steps. */
  suggestSteps(funnelId: string): Awaitable<SuggestedSteps>;
  /** Each exposed visitor's first exposure to the experiment, with its variant. */
  exposedVisitors(w: ResultsWindow): Awaitable<ExposedVisitor[]>;
  /** Page views, custom events and conversions of exposed visitors at or after their first exposure. */
  eventsAfterExposure(w: ResultsWindow): Awaitable<LaterEvent[]>;
  /** Orders of exposed visitors at or after their first exposure (value = the visitor). */
  ordersAfterExposure(w: ResultsWindow): Awaitable<OrderRow[]>;
}
