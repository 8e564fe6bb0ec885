// The payment webhook delivery log: the last deliveries per connection with their outcome,
// so a founder sees that the provider reaches Aurea. Owns payment_deliveries.
import type { Database } from "bun:sqlite";

export const DELIVERY_OUTCOMES = ["verified", "bad_signature", "ignored", "duplicate", "error"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Deliveries kept per connection; older ones are deleted as new ones arrive. */
export const DELIVERIES_KEPT = 100;
const MESSAGE_MAX = 300;

export interface PaymentDelivery {
  at: number;
  outcome: DeliveryOutcome;
  eventType: string | null;
  providerEventId: string | null;
  message: string;
}

export function logDelivery(sqlite: Database, connectionId: number, d: PaymentDelivery): void {
  const write = sqlite.transaction(() => {
    sqlite
      .query(
        `INSERT INTO payment_deliveries (connection_id, at, outcome, event_type, provider_event_id, message)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(connectionId, d.at, d.outcome, d.eventType?.slice(0, 100) ?? null, d.providerEventId?.slice(0, 200) ?? null, d.message.slice(0, MESSAGE_MAX));
    sqlite
      .query(
        `DELETE FROM payment_deliveries WHERE connection_id = ?1 AND id <= (
           SELECT id FROM payment_deliveries WHERE connection_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
      )
      .run(connectionId, DELIVERIES_KEPT);
  });
  write();
}

export function recentDeliveries(sqlite: Database, connectionId: number, limit = 20): PaymentDelivery[] {
  return sqlite
    .query<PaymentDelivery, [number, number]>(
      `SELECT at, outcome, event_type AS eventType, provider_event_id AS providerEventId, message
       FROM payment_deliveries WHERE connection_id = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(connectionId, limit);
}

/** Whether this event was already recorded through this connection (a redelivery). */
export function alreadyVerified(sqlite: Database, connectionId: number, providerEventId: string): boolean {
  return (
    sqlite
      .query(`SELECT 1 FROM payment_deliveries WHERE connection_id = ? AND provider_event_id = ? AND outcome = 'verified' LIMIT 1`)
      .get(connectionId, providerEventId) !== null
  );
}
