// One order's revenue counts once, with the same ranking as the SQLite writer
// (../../order-ids.ts): the best-verified conversion naming an order carries its
// revenue. Stored events are not updated in place as they arrive: a superseded
// conversion gets its revenue cleared by a mutation (rare: an order reported twice, the
// better report later), and its visit a correcting row with the revenue taken out.
import { rankOf } from "../../order-ids";
import type { ContactBook } from "./contacts";
import type { OrderConversion, OrderState } from "./lookups";

/** A visits row that takes a superseded conversion's revenue out of its visit. */
export interface VisitCorrection {
  funnel_id: string;
  visit_start: number;
  session_id: string;
  anonymous_id: string;
  revenue: [string[], number[]];
}

export interface Superseded {
  funnelId: string;
  id: string;
  ts: number;
}

const key = (funnelId: string, orderId: string) => `${funnelId}\u0000${orderId}`;

export class OrderBook {
  /** The run's orders, loaded before it and kept up to date as it writes. */
  private states = new Map<string, OrderState>();
  corrections: VisitCorrection[] = [];
  superseded: Superseded[] = [];

  constructor(private contacts: ContactBook) {}

  /** A new run: its lookups loaded these orders. */
  begin(loaded: Map<string, Map<string, OrderState>>): void {
    this.states.clear();
    this.corrections = [];
    this.superseded = [];
    for (const [funnelId, orders] of loaded) for (const [orderId, s] of orders) this.states.set(key(funnelId, orderId), s);
  }

  private state(funnelId: string, orderId: string): OrderState {
    const k = key(funnelId, orderId);
    let s = this.states.get(k);
    if (!s) this.states.set(k, (s = { conversions: [], refunded: new Map() }));
    return s;
  }

  counting(funnelId: string, orderId: string): OrderConversion | null {
    return this.state(funnelId, orderId).conversions.find((c) => c.revenueMinor !== null) ?? null;
  }

  /** The conversion an order's refunds belong with: the counting one, else the first. */
  conversionOf(funnelId: string, orderId: string): OrderConversion | null {
    return this.counting(funnelId, orderId) ?? this.state(funnelId, orderId).conversions[0] ?? null;
  }

  decide(funnelId: string, orderId: string, id: string, verified: boolean): { counts: boolean; supersedes: OrderConversion | null } {
    const current = this.counting(funnelId, orderId);
    if (!current || current.id === id) return { counts: true, supersedes: null };
    if (rankOf(id, verified) > rankOf(current.id, current.verified)) return { counts: true, supersedes: current };
    return { counts: false, supersedes: null };
  }

  /** A conversion naming the order was written (so later ones in the run see it). */
  written(funnelId: string, orderId: string, c: OrderConversion): void {
    this.state(funnelId, orderId).conversions.push(c);
  }

  refundWritten(funnelId: string, orderId: string, currency: string, minor: number): void {
    const s = this.state(funnelId, orderId);
    s.refunded.set(currency, (s.refunded.get(currency) ?? 0) + minor);
  }

  /** Takes a conversion's revenue out of every total it was counted in. */
  supersede(funnelId: string, c: OrderConversion): void {
    const minor = c.revenueMinor ?? 0;
    c.revenueMinor = null;
    this.superseded.push({ funnelId, id: c.id, ts: c.ts });
    if (c.currency && !c.sessionId.startsWith("nv:")) {
      this.corrections.push({ funnel_id: funnelId, visit_start: c.visitStart, session_id: c.sessionId, anonymous_id: c.anonymousId, revenue: [[c.currency], [-minor]] });
    }
    if (c.contactId !== null && c.currency) this.contacts.adjustRevenue(c.contactId, c.currency, -minor);
  }

  refunded(funnelId: string, orderId: string, currency: string): number {
    return this.state(funnelId, orderId).refunded.get(currency) ?? 0;
  }
}
