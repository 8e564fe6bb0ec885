// What every part of the running server is handed: no globals, no env reads.
import type { Reads } from "./analytics/reads/run";
import type { ServeConfig } from "./config";
import type { Store } from "./db/open";
import type { GeoLookup } from "./enrich/geo";
import type { Ops } from "./ops/ops";
import type { LiveWatch } from "./live/watch";
import type { StoredEvent } from "./pipeline/stored-event";

/**
 * Called inside the processing transaction with the events just written (never
 * with duplicates), so whatever a listener enqueues is committed atomically with
 * the events themselves. Listeners must be synchronous and must not do I/O
 * other than through the given database.
 */
export type EventsListener = (events: StoredEvent[], info: { newContacts: NewContact[] }) => void;

export interface NewContact {
  funnelId: string;
  contactId: number;
  anonymousId: string;
  eventRowId: number;
}

export interface AppContext {
  store: Store;
  config: ServeConfig;
  geo: GeoLookup;
  now: () => number;
  log: (line: string) => void;
  /** Dashboard and read-API queries, by name (src/analytics/reads/registry.ts), off the HTTP thread. */
  reads: Reads;
  eventListeners: EventsListener[];
  /** Health and metrics as they happen (src/ops). */
  ops: Ops;
  /** Open live dashboards (see src/live/): set where events are processed. */
  live?: LiveWatch;
  /** Set once the server is stopping; background loops look at it. */
  stopping: boolean;
}
