// The SQLite EventWriter: ties each processed event to a visit and a contact, counts
// an order's revenue once, and writes events, session folds and contacts on the
// caller's connection, inside the caller's transaction.
import type { Database } from "bun:sqlite";
import { storedRow } from "../../stored-row";
import type { AppliedRun, EventWriter, ProcessedBatch, ProcessedEvent } from "../../event-writer";
import { Dictionaries, FunnelKeys } from "../layout";
import { ContactWriter } from "./contacts";
import { EventRows } from "./events";
import { OrderBook } from "./orders";
import { PaymentWriter } from "./payments";
import { SessionWriter, type SessionAttribution, type VisitorRef } from "./sessions";

type EventsBatch = Extract<ProcessedBatch, { kind: "events" }>;

export class SqliteEventWriter implements EventWriter {
  private sessions: SessionWriter;
  private contacts: ContactWriter;
  private events: EventRows;
  private orders: OrderBook;
  private payments: PaymentWriter;
  // Ids of funnels, visitors and dictionary values, cached across runs (forgotten on a rollback).
  private keys: FunnelKeys;
  private dict: Dictionaries;

  constructor(sqlite: Database) {
    this.keys = new FunnelKeys(sqlite);
    this.dict = new Dictionaries(sqlite);
    this.sessions = new SessionWriter(sqlite, this.dict);
    // A new contact takes its first visit's source: folds still pending may move a visit's start.
    this.contacts = new ContactWriter(sqlite, () => this.sessions.flush());
    this.events = new EventRows(sqlite, this.dict);
    this.orders = new OrderBook(sqlite, this.sessions, this.contacts);
    this.payments = new PaymentWriter(this.sessions, this.contacts, this.events, this.orders, this.dict);
  }

  apply(batches: ProcessedBatch[]): AppliedRun {
    this.contacts.reset();
    this.sessions.newRun();
    const run: AppliedRun = { written: [], duplicates: 0, newContacts: [] };
    for (const batch of batches) {
      if (batch.kind === "payments") {
        const r = this.payments.apply(batch.funnelId, this.keys.ensure(batch.funnelId), batch.receivedAt, batch.facts);
        for (const e of r.written) run.written.push(e);
        for (const c of r.newContacts) run.newContacts.push(c);
      } else {
        for (const e of batch.events) this.applyEvent(batch, e, run);
      }
    }
    // One update per visit per run, however many of its events the run holds.
    this.sessions.flush();
    return run;
  }

  rolledBack(): void {
    this.contacts.reset();
    this.sessions.forget();
    // Ids inserted inside the rolled-back transaction are gone: forget every cached one.
    this.keys.forget();
    this.dict.forget();
  }

  private applyEvent(batch: EventsBatch, p: ProcessedEvent, run: AppliedRun): void {
    const { event: e, contactKey: key, id, name, orderId } = p;
    let en = p.en;
    const funnelId = batch.funnelId;
    const funnel = this.keys.ensure(funnelId);
    const anonymousId = this.visitorOf(batch, p);
    const v: VisitorRef = { funnel, visitor: this.dict.visitor(funnel, anonymousId), anonymousId };
    const { id: sessionId, key: session, existing } = this.sessions.resolve(v, e.sessionId, e.ts, en.attribution);
    let contactId = this.contacts.ofVisitor(v.visitor);
    let created = false;
    if (key) ({ id: contactId, created } = this.contacts.upsert(funnelId, key, e, v));

    // One order's revenue counts once: a report of an order already counted keeps none.
    const order = orderId && en.revenueMinor !== null ? this.orders.decide(funnel, orderId, id, en.verified) : null;
    if (order && !order.counts) en = { ...en, revenueMinor: null };
    const attribution: SessionAttribution = existing ?? {
      ...en.attribution,
      channel: en.channel,
      referrerHost: en.referrerHost,
    };
    const row = storedRow({
      funnelId, id, name, receivedAt: batch.receivedAt, event: e, en, anonymousId, sessionId, contactId, attribution, orderId,
      superseded: Boolean(order && !order.counts),
    });
    const rowId = this.events.write(row, { funnel, visitor: v.visitor, session });
    if (rowId === null) {
      run.duplicates++; // already processed: change nothing
      return;
    }
    if (order?.supersedes) this.orders.supersede(funnelId, order.supersedes);
    const visit = { v, contactId, ts: e.ts, type: e.type, name, en };
    if (existing) this.sessions.fold({ ...visit, existing });
    else this.sessions.open({ ...visit, id: sessionId, key: session, client: this.dict.client(row), place: this.dict.place(row) });
    if (contactId !== null && key) this.sessions.linkContact(v, contactId);
    if (contactId !== null && e.type === "conversion") this.contacts.conversion(contactId, e.ts, en.currency, en.revenueMinor);
    if (created && contactId !== null) run.newContacts.push({ funnelId, contactId, anonymousId, eventRowId: rowId });
    row.rowId = rowId;
    run.written.push(row);
  }

  /**
   * The client's anonymous id; else, for a server event naming a known contact, the
   * contact's latest visitor id; else the cookieless daily hash of IP + UA + funnel.
   */
  private visitorOf(batch: EventsBatch, p: ProcessedEvent): string {
    if (p.event.anonymousId) return p.event.anonymousId;
    if (p.contactKey) {
      const contactId = this.contacts.find(batch.funnelId, p.contactKey);
      const anon = contactId !== null ? this.contacts.latestVisitorOf(contactId) : null;
      if (anon) return anon;
    }
    return batch.cookielessVisitor(p.en.ip, p.en.userAgent);
  }
}
