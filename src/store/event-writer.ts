// The write side of the event plane (./event-store.ts): the processing pipeline hands
// over enriched batches, the writer ties each event to a visit and a contact, counts
// orders once, and stores it. The SQLite writer is ./sqlite/writer/.
import type { NewContact } from "../context";
import type { QueuedEvent } from "../ingest/validate";
import type { PaymentFact } from "../payments/payment";
import type { Enriched } from "../pipeline/enrich-event";
import type { StoredEvent } from "../pipeline/stored-event";
import type { MatchableEvent } from "../funnels/steps-definition";

/** Who an event names (identify by user id or email, or traits.email). */
export interface ContactKey {
  email: string | null;
  userId: string | null;
}

/** One event, enriched by pure functions; not yet tied to a visit, a contact or an order's count. */
export interface ProcessedEvent {
  /** As validated, with its URL and referrer already made private. */
  event: QueuedEvent;
  en: Enriched;
  /** The stored id (never a provider payment's, see ./order-ids.ts). */
  id: string;
  name: string;
  orderId: string | null;
  contactKey: ContactKey | null;
}

/** One queued batch, ready to store: tracked events, or a provider's payment facts. */
export type ProcessedBatch =
  | {
      kind: "events";
      funnelId: string;
      receivedAt: number;
      events: ProcessedEvent[];
      /** The cookieless daily visitor id of an event that names no visitor and no known contact. */
      cookielessVisitor: (ip: string | null, userAgent: string | null) => string;
    }
  | { kind: "payments"; funnelId: string; receivedAt: number; facts: PaymentFact[] };

/** What listeners need from a run: the events stored now (never duplicates), in order, and new contacts. */
export interface AppliedRun {
  written: StoredEvent[];
  /** Events already stored by an earlier run or request (same id): nothing changed. */
  duplicates: number;
  newContacts: NewContact[];
}

export interface EventWriter {
  /**
   * Applies batches in order inside the caller's transaction (one run, or one batch in
   * a savepoint). Re-applying a batch changes nothing: event ids are unique per funnel.
   */
  apply(batches: ProcessedBatch[]): AppliedRun;
  /** The caller's transaction rolled back: forget what was remembered during it. */
  rolledBack(): void;
}

/**
 * A writer whose store acknowledges over the network (ClickHouse): the run is looked up
 * before the caller's SQLite transaction, decided inside it (contacts and funnels stay in
 * SQLite), and sent before that transaction commits, so a run the store did not
 * acknowledge is rolled back and redone whole, and its batches stay queued.
 */
export interface StagedEventWriter {
  /** Before the transaction: loads what apply() needs (stored ids, recent visits, contacts' visitors, orders). */
  load(batches: ProcessedBatch[]): Promise<void>;
  /** Inside the transaction: decides every row and stages it; nothing is sent yet. */
  apply(batches: ProcessedBatch[]): AppliedRun;
  /** Still inside the transaction: sends what apply() staged; resolves once the store acknowledged all of it. */
  send(): Promise<void>;
  /** The run was not acknowledged or its transaction rolled back: forget what it remembered. */
  rolledBack(): void;
}

/**
 * What a run's listeners will look up of a funnel's visitors (automations' step rules):
 * a staged writer loads, before the transaction, the timelines of the run's visitors
 * who have an event that `wants`, back `lookbackMs` before it.
 */
export interface TimelineNeed {
  lookbackMs: number;
  wants(e: MatchableEvent): boolean;
}

/**
 * The event store cannot be reached or refused the run as a whole (down, timing out,
 * refusing the login): the run is redone as it is, later; no batch is at fault.
 * Its message never holds a password.
 */
export class EventStoreUnavailable extends Error {
  override name = "EventStoreUnavailable";
}

/** How the event store is doing, for /healthz and the dashboard (a store over the network only). */
export interface EventStoreHealth {
  kind: string;
  /** Where it is, with any password masked. */
  shown: string;
  reachable: boolean;
  error: string | null;
  /** Since when it has been unreachable (UTC ms), while it is. */
  downSince: number | null;
  /** When it last acknowledged a run. */
  lastAckAt: number | null;
}
