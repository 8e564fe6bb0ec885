// One order's revenue counts once. Every conversion naming an order (a provider's
// payment, or props.order_id of a reported conversion) is stored, but only one of them
// carries revenue_minor: the best-verified, else the first. A better one arriving later
// takes over, and the one it supersedes has its revenue taken out of its visit's and
// contact's totals and rollups. Every report then counts revenue_minor as before.
import type { Database } from "bun:sqlite";
import { decodePublicId, type StoredPublicId } from "../layout";
import { visitDirtier } from "../rollups/listener";
import { rankOf } from "../../order-ids";
import type { ContactWriter } from "./contacts";
import type { SessionWriter } from "./sessions";

export interface CountingConversion {
  rowId: number;
  id: string;
  /** Public ids of its visit (its visitor's for a conversion with no visit) and visitor. */
  sessionId: string;
  anonymousId: string;
  /** sessions.key, or NO_VISIT. */
  session: number;
  visitor: number;
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
    // The public ids come from visitors and sessions; a conversion with no visit (session
    // NO_VISIT) has its visitor's id as its visit's, as it was stored before.
    const cols = `e.row_id AS rowId, e.id, coalesce(s.public_id, v.public_id) AS sessionId, v.public_id AS anonymousId,
      e.session, e.visitor, e.contact_id AS contactId, e.revenue_minor AS revenueMinor, e.currency, e.verified`;
    const from = `events e CROSS JOIN visitors v ON v.key = e.visitor LEFT JOIN sessions s ON s.key = e.session`;
    const conversions = "e.kind IN (SELECT id FROM kinds WHERE type = 'conversion')";
    this.countingRow = sqlite.prepare<StoredConversion, [number, string]>(
      `SELECT ${cols} FROM ${from} WHERE e.funnel = ? AND e.order_id = ? AND ${conversions} AND e.revenue_minor IS NOT NULL LIMIT 1`,
    );
    // The counting one first, else any (a test order, or one whose revenue was never counted).
    this.anyRow = sqlite.prepare<StoredConversion, [number, string]>(
      `SELECT ${cols} FROM ${from} WHERE e.funnel = ? AND e.order_id = ? AND ${conversions} ORDER BY e.revenue_minor IS NULL, e.row_id LIMIT 1`,
    );
    this.uncountRow = sqlite.prepare(
      "UPDATE events SET revenue_minor = NULL, flags = CASE WHEN flags IS NULL THEN 'superseded' ELSE flags || ',superseded' END WHERE row_id = ?",
    );
    this.refundedSoFar = sqlite.prepare<{ minor: number }, [number, string, string]>(
      `SELECT coalesce(-sum(revenue_minor), 0) AS minor FROM events
       WHERE funnel = ? AND order_id = ? AND kind IN (SELECT id FROM kinds WHERE type = 'refund') AND currency = ?`,
    );
    this.dirty = visitDirtier(sqlite);
  }

  /** The conversion whose revenue counts for this order now, if any. */
  counting(funnel: number, orderId: string): CountingConversion | null {
    return decoded(this.countingRow.get(funnel, orderId));
  }

  /** The conversion an order's refunds belong with: the counting one, else any. */
  conversionOf(funnel: number, orderId: string): CountingConversion | null {
    return decoded(this.anyRow.get(funnel, orderId));
  }

  /**
   * Whether a new conversion with revenue, about to be written, should carry it: no
   * conversion counts yet, or it outranks the one that does (returned, to supersede
   * once the new row is written).
   */
  decide(funnel: number, orderId: string, id: string, verified: boolean): { counts: boolean; supersedes: CountingConversion | null } {
    const current = this.counting(funnel, orderId);
    if (!current || current.id === id) return { counts: true, supersedes: null };
    if (rankOf(id, verified) > rankOf(current.id, current.verified === 1)) return { counts: true, supersedes: current };
    return { counts: false, supersedes: null };
  }

  /** Takes a conversion's revenue out of every total it was counted in. */
  supersede(funnelId: string, c: CountingConversion): void {
    this.uncountRow.run(c.rowId);
    this.sessions.addRevenue(c.session, c.currency, -c.revenueMinor, 0);
    if (c.contactId !== null) this.contacts.adjustRevenue(c.contactId, c.currency, -c.revenueMinor);
    this.dirty(funnelId, c.sessionId);
  }

  /** What has been refunded on an order so far, in one currency (minor units, positive). */
  refunded(funnel: number, orderId: string, currency: string): number {
    return this.refundedSoFar.get(funnel, orderId, currency)!.minor;
  }
}

type StoredConversion = Omit<CountingConversion, "id" | "sessionId" | "anonymousId"> & {
  id: StoredPublicId;
  sessionId: StoredPublicId;
  anonymousId: StoredPublicId;
};

/** The row with its ids as the client sent them (ids of UUID form are stored as 16 bytes). */
function decoded(row: StoredConversion | null): CountingConversion | null {
  return row && { ...row, id: decodePublicId(row.id), sessionId: decodePublicId(row.sessionId), anonymousId: decodePublicId(row.anonymousId) };
}
