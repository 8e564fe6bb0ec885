// Before a run: one pass over its batches to see what it touches, then a few queries
// per funnel (in two rounds: a contact's latest visitor must be known before that
// visitor's visits are asked for). What is found is remembered by the books.
import type { ProcessedBatch, ProcessedEvent, TimelineNeed } from "../../event-writer";
import type { ContactBook } from "./contacts";
import type { OrderState, WriterLookups } from "./lookups";
import { orderEventId, PaymentRows } from "./payments";
import type { TimelineBook } from "./run-lookups";
import type { VisitBook } from "./visits";

type EventsBatch = Extract<ProcessedBatch, { kind: "events" }>;

const DAY_MS = 86_400_000;
/** How far back a visitor's ongoing visit, or a client's session id, is looked for. */
const VISIT_LOOKBACK_MS = DAY_MS;
const SESSION_ID_LOOKBACK_MS = 7 * DAY_MS;
/** A payment can come long after its visit. */
const PAYMENT_LOOKBACK_MS = 90 * DAY_MS;

interface FunnelNeeds {
  ids: Set<string>;
  visitors: Set<string>;
  /** Visitors a payment may land on: looked for further back. */
  paymentVisitors: Set<string>;
  contacts: Set<number>;
  sessionIds: Set<string>;
  orderIds: Set<string>;
  minTs: number;
  maxTs: number;
  /** Automations' step rules: whose timelines the run's listeners will ask for, and how far back. */
  timeline: { need: TimelineNeed; visitors: Set<string>; contacts: Set<number> } | null;
}

export interface LoadedRun {
  stored: Map<string, Set<string>>;
  orders: Map<string, Map<string, OrderState>>;
}

export class RunLoader {
  constructor(
    private lookups: WriterLookups,
    private visits: VisitBook,
    private contacts: ContactBook,
    private timelines: TimelineBook,
    private timelineNeed: (funnelId: string) => TimelineNeed | null,
  ) {}

  /** The client's anonymous id; else a named contact's latest visitor id; else the cookieless daily hash. */
  static visitorOf(batch: EventsBatch, p: ProcessedEvent, contacts: ContactBook): string {
    if (p.event.anonymousId) return p.event.anonymousId;
    if (p.contactKey) {
      const contactId = contacts.find(batch.funnelId, p.contactKey);
      const anon = contactId !== null ? contacts.latestVisitorOf(contactId) : null;
      if (anon) return anon;
    }
    return batch.cookielessVisitor(p.en.ip, p.en.userAgent);
  }

  async load(batches: ProcessedBatch[]): Promise<LoadedRun> {
    const needs = this.needs(batches);
    const stored = new Map<string, Set<string>>();
    const orders = new Map<string, Map<string, OrderState>>();
    this.timelines.reset();
    await Promise.all(
      [...needs].map(async ([funnelId, n]) => {
        const [ids, orderStates] = await Promise.all([
          this.lookups.storedIds(funnelId, [...n.ids]),
          this.lookups.orders(funnelId, [...n.orderIds]),
          this.loadContacts(funnelId, n),
        ]);
        stored.set(funnelId, ids);
        orders.set(funnelId, orderStates);
        // Refunds land on their order's visit.
        for (const s of orderStates.values()) for (const c of s.conversions) n.sessionIds.add(c.sessionId);
        await Promise.all([this.loadVisits(funnelId, n), this.loadTimelines(funnelId, n)]);
      }),
    );
    return { stored, orders };
  }

  private needs(batches: ProcessedBatch[]): Map<string, FunnelNeeds> {
    const all = new Map<string, FunnelNeeds>();
    for (const b of batches) {
      let n = all.get(b.funnelId);
      if (!n) {
        const need = this.timelineNeed(b.funnelId);
        const timeline = need ? { need, visitors: new Set<string>(), contacts: new Set<number>() } : null;
        n = { ids: new Set(), visitors: new Set(), paymentVisitors: new Set(), contacts: new Set(), sessionIds: new Set(), orderIds: new Set(), minTs: Infinity, maxTs: -Infinity, timeline };
        all.set(b.funnelId, n);
      }
      if (b.kind === "payments") {
        for (const f of b.facts) {
          n.minTs = Math.min(n.minTs, f.ts);
          n.maxTs = Math.max(n.maxTs, f.ts);
          n.orderIds.add(f.orderId);
          if (f.kind === "order") n.ids.add(orderEventId(f));
          const ref = PaymentRows.references(f);
          if (ref.sessionId) n.sessionIds.add(ref.sessionId);
          if (ref.anonymousId) n.paymentVisitors.add(ref.anonymousId);
          const contactId = ref.email ? this.contacts.find(b.funnelId, { email: ref.email, userId: null }) : null;
          if (contactId !== null) n.contacts.add(contactId);
        }
        continue;
      }
      for (const p of b.events) {
        n.ids.add(p.id);
        n.minTs = Math.min(n.minTs, p.event.ts);
        n.maxTs = Math.max(n.maxTs, p.event.ts);
        if (n.timeline?.need.wants({ type: p.event.type, name: p.name, path: p.en.path, props: p.event.props ?? null })) {
          const contactId = !p.event.anonymousId && p.contactKey ? this.contacts.find(b.funnelId, p.contactKey) : null;
          if (contactId !== null) n.timeline.contacts.add(contactId);
          else n.timeline.visitors.add(p.event.anonymousId ?? b.cookielessVisitor(p.en.ip, p.en.userAgent));
        }
        if (p.orderId) n.orderIds.add(p.orderId);
        if (p.event.sessionId) n.sessionIds.add(p.event.sessionId);
        if (p.event.anonymousId) n.visitors.add(p.event.anonymousId);
        else {
          const contactId = p.contactKey ? this.contacts.find(b.funnelId, p.contactKey) : null;
          if (contactId !== null) n.contacts.add(contactId);
          else n.visitors.add(b.cookielessVisitor(p.en.ip, p.en.userAgent));
        }
      }
    }
    return all;
  }

  private async loadContacts(funnelId: string, n: FunnelNeeds): Promise<void> {
    const contacts = [...n.contacts].filter((c) => this.contacts.missingLatest(c));
    for (const [contactId, visitor] of await this.lookups.latestVisitors(funnelId, contacts)) this.contacts.learnLatest(contactId, visitor);
    for (const c of n.contacts) {
      const v = this.contacts.latestVisitorOf(c);
      if (v) n.paymentVisitors.add(v);
    }
    const visitors = [...n.visitors, ...n.paymentVisitors].filter((v) => this.contacts.missingVisitor(funnelId, v));
    const found = await this.lookups.contactsOf(funnelId, visitors);
    for (const v of visitors) this.contacts.learnVisitor(funnelId, v, found.get(v) ?? null);
  }

  /** After loadContacts (a contact's events go to their latest visitor); payments may be steps too. */
  private async loadTimelines(funnelId: string, n: FunnelNeeds): Promise<void> {
    if (!n.timeline || !Number.isFinite(n.minTs)) return;
    const visitors = new Set(n.timeline.visitors);
    for (const c of n.timeline.contacts) {
      const v = this.contacts.latestVisitorOf(c);
      if (v) visitors.add(v);
    }
    for (const v of n.paymentVisitors) visitors.add(v);
    const found = await this.lookups.timelines(funnelId, [...visitors], n.minTs - n.timeline.need.lookbackMs, n.maxTs);
    for (const [v, events] of found) this.timelines.learn(funnelId, v, events);
  }

  private async loadVisits(funnelId: string, n: FunnelNeeds): Promise<void> {
    const since = Number.isFinite(n.minTs) ? n.minTs : Date.now();
    const ids = [...n.sessionIds].filter((id) => this.visits.missingId(funnelId, id));
    const visitors = [...n.visitors].filter((v) => this.visits.missingVisitor(funnelId, v));
    const paying = [...n.paymentVisitors].filter((v) => this.visits.missingVisitor(funnelId, v));
    const [byId, latest, latestPaying] = await Promise.all([
      this.lookups.visitsById(funnelId, ids, since - SESSION_ID_LOOKBACK_MS),
      this.lookups.latestVisits(funnelId, visitors, since - VISIT_LOOKBACK_MS),
      this.lookups.latestVisits(funnelId, paying, since - PAYMENT_LOOKBACK_MS),
    ]);
    for (const v of byId.values()) this.visits.learn(funnelId, v);
    for (const v of latest.values()) this.visits.learn(funnelId, v);
    for (const v of latestPaying.values()) this.visits.learn(funnelId, v);
  }
}
