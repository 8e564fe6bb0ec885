// Provider payments with the ClickHouse store, by the rules of the SQLite writer
// (../../sqlite/writer/payments.ts): an order becomes a verified `conversion` named
// "purchase", a refund an event of type `refund` with a negative amount; joined to the
// visit the checkout reference names, else by email to the contact's latest visit, else
// stored with no visit. Ids come from provider + order (+ refund): a redelivery writes nothing.
import type { QueuedEvent } from "../../../ingest/validate";
import type { PaymentFact } from "../../../payments/payment";
import { decodeReference } from "../../../payments/reference";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { paymentProps } from "../../stored-row";
import { PAYMENT_ID_PREFIX } from "../../order-ids";
import type { AppliedRun } from "../../event-writer";
import type { ContactBook } from "./contacts";
import type { VisitState } from "./lookups";
import type { OrderBook } from "./orders";
import type { VisitBook } from "./visits";
import type { VisitPart } from "./rows";

interface Landing {
  anonymousId: string;
  sessionId: string;
  visit: VisitState | null;
}

export interface PaymentSink {
  isStored(funnelId: string, id: string): boolean;
  write(row: StoredEvent, part: VisitPart): void;
}

export const orderEventId = (f: PaymentFact) => `${PAYMENT_ID_PREFIX}${f.provider}:${f.orderId}`;

export class PaymentRows {
  constructor(
    private visits: VisitBook,
    private contacts: ContactBook,
    private orders: OrderBook,
    private sink: PaymentSink,
  ) {}

  apply(funnelId: string, receivedAt: number, facts: PaymentFact[], run: AppliedRun): void {
    for (const f of facts) {
      if (f.kind === "order") this.order(funnelId, receivedAt, f, run);
      else this.refund(funnelId, receivedAt, f, run);
    }
  }

  /** What the run's lookups must load for a fact: the reference's visit and visitor, the email's contact. */
  static references(f: PaymentFact): { sessionId: string | null; anonymousId: string | null; email: string | null } {
    const ref = decodeReference(f.reference);
    const email = f.email?.trim().toLowerCase();
    return { sessionId: ref?.sessionId ?? null, anonymousId: ref?.anonymousId ?? null, email: email?.includes("@") ? email : null };
  }

  private order(funnelId: string, receivedAt: number, f: PaymentFact, run: AppliedRun): void {
    const id = orderEventId(f);
    if (this.sink.isStored(funnelId, id)) {
      run.duplicates++;
      return;
    }
    const landing = this.land(funnelId, f);
    let contactId = landing.visit ? this.contacts.ofVisitor(funnelId, landing.anonymousId) : null;
    let created = false;
    const email = f.email?.includes("@") ? f.email.trim().toLowerCase() : null;
    if (email) {
      ({ id: contactId, created } = landing.visit
        ? this.contacts.upsert(funnelId, { email, userId: null }, { ts: f.ts, traits: { email } } as unknown as QueuedEvent, landing.anonymousId, landing.visit)
        : this.contacts.ensureByEmail(funnelId, email, f.ts));
    }
    const decision = f.test ? { counts: false, supersedes: null } : this.orders.decide(funnelId, f.orderId, id, true);
    const row = this.row(funnelId, receivedAt, f, id, landing, contactId, "conversion", "purchase", paymentProps(f));
    row.revenueMinor = decision.counts ? f.amountMinor : null;
    if (!decision.counts && !f.test) row.flags = "superseded";
    if (decision.supersedes) this.orders.supersede(funnelId, decision.supersedes);
    this.sink.write(row, this.part(landing, decision.counts));
    this.orders.written(funnelId, f.orderId, { ...row, visitStart: landing.visit?.visitStart ?? f.ts });
    if (decision.counts && contactId !== null) this.contacts.conversion(contactId, f.ts, f.currency, f.amountMinor);
    if (created && contactId !== null) run.newContacts.push({ funnelId, contactId, anonymousId: landing.anonymousId, eventRowId: row.rowId });
    run.written.push(row);
  }

  private refund(funnelId: string, receivedAt: number, f: PaymentFact, run: AppliedRun): void {
    const amount = f.cumulative ? f.amountMinor - this.orders.refunded(funnelId, f.orderId, f.currency) : f.amountMinor;
    if (amount <= 0) return;
    const which = f.cumulative ? `total:${f.amountMinor}` : (f.refundId ?? f.providerEventId);
    const id = `${PAYMENT_ID_PREFIX}${f.provider}:${f.orderId}:refund:${which}`;
    if (this.sink.isStored(funnelId, id)) {
      run.duplicates++;
      return;
    }
    const order = this.orders.conversionOf(funnelId, f.orderId);
    const landing: Landing = order
      ? { anonymousId: order.anonymousId, sessionId: order.sessionId, visit: this.visits.byClientId(funnelId, order.sessionId) }
      : this.noVisit(f);
    const props: StoredEvent["props"] = { provider: f.provider, order_id: f.orderId };
    if (f.refundId) props.refund_id = f.refundId;
    if (f.test) props.test = true;
    const row = this.row(funnelId, receivedAt, f, id, landing, order?.contactId ?? null, "refund", "refund", props);
    row.revenueMinor = -amount;
    this.sink.write(row, { ...this.part(landing, false), visitStart: landing.visit?.visitStart ?? order?.visitStart ?? f.ts });
    this.orders.refundWritten(funnelId, f.orderId, f.currency, amount);
    run.written.push(row);
  }

  /** A counting payment joins its visit (one more event and conversion); it never stretches it. */
  private part(landing: Landing, counts: boolean): VisitPart {
    const inVisit = counts && landing.visit !== null;
    return { visitStart: landing.visit?.visitStart ?? 0, opensVisit: false, browsing: false, engaging: false, inVisit };
  }

  private land(funnelId: string, f: PaymentFact): Landing {
    const ref = decodeReference(f.reference);
    if (ref) {
      const named = this.visits.byClientId(funnelId, ref.sessionId);
      if (named) return { anonymousId: ref.anonymousId, sessionId: ref.sessionId, visit: named };
      const latest = this.visits.lastOf(funnelId, ref.anonymousId);
      if (latest) return { anonymousId: ref.anonymousId, sessionId: latest.id, visit: latest };
    }
    const { email } = PaymentRows.references(f);
    const contactId = email ? this.contacts.find(funnelId, { email, userId: null }) : null;
    const anonymousId = contactId !== null ? this.contacts.latestVisitorOf(contactId) : null;
    const latest = anonymousId ? this.visits.lastOf(funnelId, anonymousId) : null;
    if (anonymousId && latest) return { anonymousId, sessionId: latest.id, visit: latest };
    return this.noVisit(f);
  }

  private noVisit(f: PaymentFact): Landing {
    const id = `nv:${f.provider}:${f.orderId}`;
    return { anonymousId: id, sessionId: id, visit: null };
  }

  private row(
    funnelId: string, receivedAt: number, f: PaymentFact, id: string, landing: Landing, contactId: number | null,
    type: string, name: string, props: StoredEvent["props"],
  ): StoredEvent {
    const s = landing.visit;
    return {
      rowId: 0, funnelId, id, type, name, ts: f.ts, receivedAt, anonymousId: landing.anonymousId, sessionId: landing.sessionId,
      userId: null, contactId, url: null, path: null, title: null, referrer: null, referrerHost: s?.referrerHost ?? null,
      screenW: null, screenH: null, language: null, timezone: null, props, revenueMinor: null, currency: f.currency,
      verified: true, browser: null, browserVersion: null, os: null, device: null, country: null, region: null, city: null,
      channel: s?.channel ?? null, utmSource: s?.utmSource ?? null, utmMedium: s?.utmMedium ?? null,
      utmCampaign: s?.utmCampaign ?? null, utmTerm: s?.utmTerm ?? null, utmContent: s?.utmContent ?? null,
      clickId: s?.clickId ?? null, flags: null, orderId: f.orderId,
    };
  }
}
