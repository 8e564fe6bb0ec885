// Which events name an order, and whose revenue wins when several report the same one
// (./sqlite/writer/orders.ts). Pure: the pipeline and every store use the same rules.
import type { QueuedEvent } from "../ingest/validate";

/** Event ids of provider payments; no tracked event may use them (see safeEventId). */
export const PAYMENT_ID_PREFIX = "pay:";

/** Provider payment 2, secret-key conversion 1, page report 0. */
export function rankOf(id: string, verified: boolean): number {
  return id.startsWith(PAYMENT_ID_PREFIX) ? 2 : verified ? 1 : 0;
}

/** A tracked event can never take a provider payment's id (and so block it). */
export function safeEventId(id: string): string {
  return id.startsWith(PAYMENT_ID_PREFIX) ? `_${id}` : id;
}

/** The order a reported conversion names (props.order_id, as the SDKs send it). */
export function orderIdOf(e: QueuedEvent): string | null {
  const v = e.type === "conversion" ? e.props?.order_id : undefined;
  return typeof v === "string" || typeof v === "number" ? String(v).trim().slice(0, 200) || null : null;
}
