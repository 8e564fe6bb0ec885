// The write side of the event plane (./event-store.ts): the processing pipeline hands
// over enriched batches, the writer ties each event to a visit and a contact, counts
// orders once, and stores it. The SQLite writer is ./sqlite/writer/.
import type { NewContact } from "../context";
import type { QueuedEvent } from "../ingest/validate";
import type { PaymentFact } from "../payments/payment";
import type { Enriched } from "../pipeline/enrich-event";
import type { StoredEvent } from "../pipeline/stored-event";

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
