// One order's revenue counts once. Every conversion naming an order (a provider's
// payment, or props.order_id of a reported conversion) is stored, but only one of them
// carries revenue_minor: the best-verified, else the first. A better one arriving later
// takes over, and the one it supersedes has its revenue taken out of its visit's and
// contact's totals and rollups. Every report then counts revenue_minor as before.
import { decodeEventId } from "../event-id";
import type { Database } from "bun:sqlite";
import { visitDirtier } from "../rollups/listener";
import { rankOf } from "../../order-ids";
import type { ContactWriter } from "./contacts";
import type { SessionWriter } from "./sessions";

export interface CountingConversion {
  rowId: number;
  id: string;
  sessionId: string;
  anonymousId: string;
  contactId: number | null;
  revenueMinor: number;
  currency: string;
  verified: number;
}

export class OrderBook {
  private countingRow;
  private anyRow;
  private uncountRow;
  private refundedSoFar;
  private dirty;

  constructor(
    sqlite: Database,
    private sessions: SessionWriter,
    private contacts: ContactWriter,
  ) {
    this.countingRow = sqlite.prepare<CountingConversion, [string, string]>(
      `SELECT row_id AS rowId, id, session_id AS sessionId, anonymous_id AS anonymousId, contact_id AS contactId,
        revenue_minor AS revenueMinor, currency, verified
       FROM events WHERE funnel_id = ? AND order_id = ? AND type = 'conversion' AND revenue_minor IS NOT NULL LIMIT 1`,
    );
    // The counting one first, else any (a test order, or one whose revenue was never counted).
    this.anyRow = sqlite.prepare<CountingConversion, [string, string]>(
      `SELECT row_id AS rowId, id, session_id AS sessionId, anonymous_id AS anonymousId, contact_id AS contactId,
        revenue_minor AS revenueMinor, currency, verified
       FROM events WHERE funnel_id = ? AND order_id = ? AND type = 'conversion' ORDER BY revenue_minor IS NULL, row_id LIMIT 1`,
    );
    this.uncountRow = sqlite.prepare(
      "UPDATE events SET revenue_minor = NULL, flags = CASE WHEN flags IS NULL THEN 'superseded' ELSE flags || ',superseded' END WHERE row_id = ?",
    );
    this.refundedSoFar = sqlite.prepare<{ minor: number }, [string, string, string]>(
      "SELECT coalesce(-sum(revenue_minor), 0) AS minor FROM events WHERE funnel_id = ? AND order_id = ? AND type = 'refund' AND currency = ?",
    );
    this.dirty = visitDirtier(sqlite);
  }

  /** The conversion whose revenue counts for this order now, if any. */
  counting(funnelId: string, orderId: string): CountingConversion | null {
    return withTextId(this.countingRow.get(funnelId, orderId));
  }

  /** The conversion an order's refunds belong with: the counting one, else any. */
  conversionOf(funnelId: string, orderId: string): CountingConversion | null {
    return withTextId(this.anyRow.get(funnelId, orderId));
  }

  /**
   * Whether a new conversion with revenue, about to be written, should carry it: no
   * conversion counts yet, or it outranks the one that does (returned, to supersede
   * once the new row is written).
   */
  decide(funnelId: string, orderId: string, id: string, verified: boolean): { counts: boolean; supersedes: CountingConversion | null } {
    const current = this.counting(funnelId, orderId);
    if (!current || current.id === id) return { counts: true, supersedes: null };
    if (rankOf(id, verified) > rankOf(current.id, current.verified === 1)) return { counts: true, supersedes: current };
    return { counts: false, supersedes: null };
  }

  /** Takes a conversion's revenue out of every total it was counted in. */
  supersede(funnelId: string, c: CountingConversion): void {
    this.uncountRow.run(c.rowId);
    this.sessions.addRevenue(funnelId, c.sessionId, c.currency, -c.revenueMinor, 0);
    if (c.contactId !== null) this.contacts.adjustRevenue(c.contactId, c.currency, -c.revenueMinor);
    this.dirty(funnelId, c.sessionId);
  }

  /** What has been refunded on an order so far, in one currency (minor units, positive). */
  refunded(funnelId: string, orderId: string, currency: string): number {
    return this.refundedSoFar.get(funnelId, orderId, currency)!.minor;
  }
}

/** The row with its event id as the client sent it (ids of UUID form are stored as 16 bytes). */
function withTextId(row: CountingConversion | null): CountingConversion | null {
  return row && { ...row, id: decodeEventId(row.id) };
}
