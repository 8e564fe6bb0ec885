// A queued batch of payment facts (src/payments/record.ts) → events. An order becomes a
// verified `conversion` named "purchase", a refund an event of type `refund` with a
// negative amount, both carrying the order id. Joined to the visit the checkout
// reference names; else, by email, to the contact's latest visit; else stored with no
// visit. Event ids come from provider + order (+ refund), so a redelivery writes nothing.
import type { NewContact } from "../../../context";
import type { QueuedEvent } from "../../../ingest/validate";
import type { PaymentFact } from "../../../payments/payment";
import { decodeReference } from "../../../payments/reference";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { paymentProps } from "../../stored-row";
import { PAYMENT_ID_PREFIX } from "../../order-ids";
import type { ContactWriter } from "./contacts";
import { NO_VISIT, type Dictionaries } from "../layout";
import type { EventRows } from "./events";
import type { OrderBook } from "./orders";
import type { SessionRow, SessionWriter, VisitorRef } from "./sessions";

/** Where a payment lands: a known visit, or (session null) none. */
interface Landing {
  v: VisitorRef;
  sessionId: string;
  session: SessionRow | null;
}

export interface PaymentResult {
  written: StoredEvent[];
  newContacts: NewContact[];
}

export class PaymentWriter {
  constructor(
    private sessions: SessionWriter,
    private contacts: ContactWriter,
    private events: EventRows,
    private orders: OrderBook,
    private dict: Dictionaries,
  ) {}

  apply(funnelId: string, funnel: number, receivedAt: number, facts: PaymentFact[]): PaymentResult {
    const result: PaymentResult = { written: [], newContacts: [] };
    for (const f of facts) {
      const row = f.kind === "order" ? this.order(funnelId, funnel, receivedAt, f, result) : this.refund(funnelId, funnel, receivedAt, f);
      if (row) result.written.push(row);
    }
    return result;
  }

  private visitor(funnel: number, anonymousId: string): VisitorRef {
    return { funnel, visitor: this.dict.visitor(funnel, anonymousId), anonymousId };
  }

  private write(row: StoredEvent, landing: Landing): number | null {
    const { funnel, visitor } = landing.v;
    return this.events.write(row, { funnel, visitor, session: landing.session?.key ?? NO_VISIT });
  }

  private order(funnelId: string, funnel: number, receivedAt: number, f: PaymentFact, result: PaymentResult): StoredEvent | null {
    const id = `${PAYMENT_ID_PREFIX}${f.provider}:${f.orderId}`;
    const landing = this.land(funnelId, funnel, f);
    let contactId = landing.session ? this.contacts.ofVisitor(landing.v.visitor) : null;
    let created = false;
    const email = f.email?.includes("@") ? f.email.trim().toLowerCase() : null;
    if (email) {
      ({ id: contactId, created } = landing.session
        ? this.contacts.upsert(funnelId, { email, userId: null }, { ts: f.ts, traits: { email } } as unknown as QueuedEvent, landing.v)
        : this.contacts.ensureByEmail(funnelId, email, f.ts));
      if (landing.session) this.sessions.linkContact(landing.v, contactId);
    }
    // Test payments are stored with their amount in props and count nowhere.
    const decision = f.test ? { counts: false, supersedes: null } : this.orders.decide(funnel, f.orderId, id, true);
    const row = this.row(funnelId, receivedAt, f, id, landing, contactId, "conversion", "purchase", paymentProps(f));
    row.revenueMinor = decision.counts ? f.amountMinor : null;
    if (!decision.counts && !f.test) row.flags = "superseded";
    const rowId = this.write(row, landing);
    if (rowId === null) return null; // delivered before: change nothing
    row.rowId = rowId;
    if (decision.supersedes) this.orders.supersede(funnelId, decision.supersedes);
    if (decision.counts) {
      if (landing.session) this.sessions.addRevenue(landing.session.key, f.currency, f.amountMinor, 1);
      if (contactId !== null) this.contacts.conversion(contactId, f.ts, f.currency, f.amountMinor);
    }
    if (created && contactId !== null) result.newContacts.push({ funnelId, contactId, anonymousId: landing.v.anonymousId, eventRowId: rowId });
    return row;
  }

  private refund(funnelId: string, funnel: number, receivedAt: number, f: PaymentFact): StoredEvent | null {
    // A cumulative amount (the order's refunded total) becomes the increment since the last one.
    const amount = f.cumulative ? f.amountMinor - this.orders.refunded(funnel, f.orderId, f.currency) : f.amountMinor;
    if (amount <= 0) return null;
    const which = f.cumulative ? `total:${f.amountMinor}` : (f.refundId ?? f.providerEventId);
    const id = `${PAYMENT_ID_PREFIX}${f.provider}:${f.orderId}:refund:${which}`;
    // The refund belongs where the order is; an order never seen leaves it with no visit.
    const order = this.orders.conversionOf(funnel, f.orderId);
    const session = order && order.session !== NO_VISIT ? this.sessions.byClientId(funnel, order.sessionId) : null;
    const landing: Landing = order
      ? { v: { funnel, visitor: order.visitor, anonymousId: order.anonymousId }, sessionId: order.sessionId, session }
      : this.noVisit(funnel, f);
    const props: StoredEvent["props"] = { provider: f.provider, order_id: f.orderId };
    if (f.refundId) props.refund_id = f.refundId;
    if (f.test) props.test = true;
    const row = this.row(funnelId, receivedAt, f, id, landing, order?.contactId ?? null, "refund", "refund", props);
    row.revenueMinor = -amount;
    const rowId = this.write(row, landing);
    if (rowId === null) return null;
    row.rowId = rowId;
    return row;
  }

  /** The visit a payment credits: the checkout reference's, else the email's contact's latest. */
  private land(funnelId: string, funnel: number, f: PaymentFact): Landing {
    const ref = decodeReference(f.reference);
    if (ref) {
      const named = this.sessions.byClientId(funnel, ref.sessionId);
      if (named) return { v: this.visitor(funnel, ref.anonymousId), sessionId: ref.sessionId, session: named };
      const v = this.visitor(funnel, ref.anonymousId);
      const latest = this.sessions.lastOf(v);
      if (latest) return { v, sessionId: latest.id, session: latest };
    }
    const email = f.email?.trim().toLowerCase();
    const contactId = email?.includes("@") ? this.contacts.find(funnelId, { email, userId: null }) : null;
    const anonymousId = contactId !== null ? this.contacts.latestVisitorOf(contactId) : null;
    const v = anonymousId ? this.visitor(funnel, anonymousId) : null;
    const latest = v ? this.sessions.lastOf(v) : null;
    if (v && latest) return { v, sessionId: latest.id, session: latest };
    return this.noVisit(funnel, f);
  }

  /** No visit: a visitor id of the order's own (also its visit's public id), with no sessions row. */
  private noVisit(funnel: number, f: PaymentFact): Landing {
    const id = `nv:${f.provider}:${f.orderId}`;
    return { v: this.visitor(funnel, id), sessionId: id, session: null };
  }

  private row(
    funnelId: string, receivedAt: number, f: PaymentFact, id: string, landing: Landing, contactId: number | null,
    type: string, name: string, props: StoredEvent["props"],
  ): StoredEvent {
    const s = landing.session;
    return {
      rowId: 0, funnelId, id, type, name, ts: f.ts, receivedAt, anonymousId: landing.v.anonymousId, sessionId: landing.sessionId,
      userId: null, contactId, url: null, path: null, title: null, referrer: null, referrerHost: s?.referrerHost ?? null,
      screenW: null, screenH: null, language: null, timezone: null, props, revenueMinor: null, currency: f.currency,
      verified: true, browser: null, browserVersion: null, os: null, device: null, country: null, region: null, city: null,
      channel: s?.channel ?? null, utmSource: s?.utmSource ?? null, utmMedium: s?.utmMedium ?? null,
      utmCampaign: s?.utmCampaign ?? null, utmTerm: s?.utmTerm ?? null, utmContent: s?.utmContent ?? null,
      clickId: s?.clickId ?? null, flags: null, orderId: f.orderId,
    };
  }
}
