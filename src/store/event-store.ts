// The event plane behind one seam (../../ARCHITECTURE.md, "Two planes"): events,
// sessions, contacts' visits, rollups and journeys. Callers take these interfaces,
// never a raw database handle; SQLite (./sqlite/) is the default backend and the
// only place with SQL over those tables. The control plane (funnels, keys, users,
// automations, jobs, deliveries, the ingest queue) stays on SQLite + drizzle.
//
// Each part is filled in by its own module; this file only names them.
import type { DashboardReader } from "./dashboard-reader";
import type { EventRetention } from "./event-retention";
import type { EventWriter } from "./event-writer";
import type { JourneyReader, VisitorLookups } from "./journey-reader";
import type { RollupRegistry } from "./rollup-registry";

export interface EventStore {
  /** Applies a processed run: events, session folds, contacts, orders. */
  writer: EventWriter;
  /** Totals, series, breakdowns, lists with cursors, live views, exports. */
  dashboard: DashboardReader;
  /** Funnel journeys for the pure funnel maths, step checks, a visitor's timeline. */
  journeys: JourneyReader;
  /** A visitor's visit, contact and timeline inside the processing transaction (automations). */
  visitors: VisitorLookups;
  /** Delete before a cutoff, forget a funnel. */
  retention: EventRetention;
  /** Every rollup (dashboard hours, revenue, journey copies) behind one interface. */
  rollups: RollupRegistry;
}
