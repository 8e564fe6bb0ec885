// One queued batch → events, sessions and contacts. Runs inside the worker's transaction.
import type { Database } from "bun:sqlite";
import type { NewContact } from "../context";
import type { GeoInfo } from "../enrich/geo";
import { visitorHash } from "../enrich/visitor-hash";
import type { BatchRow } from "../ingest/group-commit";
import type { QueuedEvent } from "../ingest/validate";
import { ContactWriter, contactKeyOf } from "./contacts";
import { enrichEvent, enrichRequest, type RequestFacts } from "./enrich-event";
import { PAYMENT_KEY_KIND } from "../payments/record";
import { OrderBook, orderIdOf, safeEventId } from "./orders";
import { PaymentProcessor } from "./payment-events";
import { DailySalts } from "./salts";
import { SessionWriter, type SessionAttribution } from "./sessions";
import type { StoredEvent } from "./stored-event";
import { EventWriter } from "./write-event";

/** A queue row as the accept path wrote it, with its id. */
export interface QueuedBatch extends BatchRow {
  id: number;
}

export interface BatchResult {
  written: StoredEvent[];
  bots: number;
  /** Events already stored by an earlier run or request (same id): nothing changed. */
  duplicates: number;
  newContacts: NewContact[];
}

export class BatchProcessor {
  private sessions: SessionWriter;
  private contacts: ContactWriter;
  private events: EventWriter;
  private salts: DailySalts;
  private orders: OrderBook;
  private payments: PaymentProcessor;
  private addBots;
  private markFirstEvent;
  /** Funnels whose first event is already recorded: spares an update per batch. */
  private started = new Set<string>();

  constructor(
    sqlite: Database,
    private lookupGeo: (ip: string | null) => GeoInfo,
  ) {
    this.sessions = new SessionWriter(sqlite);
    this.contacts = new ContactWriter(sqlite);
    this.events = new EventWriter(sqlite);
    this.salts = new DailySalts(sqlite);
    this.orders = new OrderBook(sqlite, this.sessions, this.contacts);
    this.payments = new PaymentProcessor(this.sessions, this.contacts, this.events, this.orders);
    this.addBots = sqlite.prepare("UPDATE funnels SET bots_dropped = bots_dropped + ? WHERE id = ?");
    this.markFirstEvent = sqlite.prepare("UPDATE funnels SET first_event_at = ? WHERE id = ? AND first_event_at IS NULL");
  }

  startRun(): void {
    this.contacts.reset();
  }

  /** After a rollback, remembered sessions and contacts may not exist: drop them. */
  forget(): void {
    this.contacts.reset();
    this.sessions.forget();
    this.started.clear();
  }

  process(batch: QueuedBatch): BatchResult {
    if (batch.keyKind === PAYMENT_KEY_KIND) return this.finish(batch, { duplicates: 0, ...this.payments.process(batch.funnelId, batch.receivedAt, batch.payload), bots: 0 });
    const facts: RequestFacts = { keyKind: batch.keyKind === "secret" ? "secret" : "public", ip: batch.ip, userAgent: batch.userAgent };
    const queued = JSON.parse(batch.payload) as QueuedEvent[];
    const result: BatchResult = { written: [], bots: 0, duplicates: 0, newContacts: [] };
    const request = facts.keyKind === "public" ? enrichRequest(facts, this.lookupGeo) : undefined;
    for (const e of queued) {
      let en = enrichEvent(e, facts, this.lookupGeo, request);
      if (en === "bot") {
        result.bots++;
        continue;
      }
      const key = contactKeyOf(e);
      const anonymousId = this.visitorOf(batch, e, en.ip, en.userAgent, key);
      const { id: sessionId, existing } = this.sessions.resolve(batch.funnelId, anonymousId, e.sessionId, e.ts, en.attribution);
      let contactId = this.contacts.ofVisitor(batch.funnelId, anonymousId);
      let created = false;
      if (key) ({ id: contactId, created } = this.contacts.upsert(batch.funnelId, key, e, anonymousId));

      const name = e.name ?? e.type;
      const id = safeEventId(e.id);
      const orderId = orderIdOf(e);
      // One order's revenue counts once: a report of an order already counted keeps none.
      const order = orderId && en.revenueMinor !== null ? this.orders.decide(batch.funnelId, orderId, id, en.verified) : null;
      if (order && !order.counts) en = { ...en, revenueMinor: null };
      const attribution: SessionAttribution = existing ?? {
        ...en.attribution,
        channel: en.channel,
        referrerHost: en.referrerHost,
      };
      const row: StoredEvent = {
        rowId: 0, funnelId: batch.funnelId, id, type: e.type, name, ts: e.ts, receivedAt: batch.receivedAt,
        anonymousId, sessionId, userId: e.userId ?? null, contactId, url: e.url ?? null, path: en.path,
        title: e.title ?? null, referrer: e.referrer ?? null, referrerHost: en.referrerHost,
        screenW: e.screen?.w ?? null, screenH: e.screen?.h ?? null, language: e.language ?? null,
        timezone: e.timezone ?? null, props: e.props ?? null, revenueMinor: en.revenueMinor, currency: en.currency,
        verified: en.verified, browser: en.ua.browser, browserVersion: en.ua.browserVersion, os: en.ua.os,
        device: en.ua.device, country: en.geo.country, region: en.geo.region, city: en.geo.city,
        channel: attribution.channel, utmSource: attribution.utmSource, utmMedium: attribution.utmMedium,
        utmCampaign: attribution.utmCampaign, utmTerm: attribution.utmTerm, utmContent: attribution.utmContent,
        clickId: attribution.clickId, flags: [...(e.flags ?? []), ...(order && !order.counts ? ["superseded"] : [])].join(",") || null,
        orderId,
      };
      const rowId = this.events.write(row);
      if (rowId === null) {
        result.duplicates++; // already processed: change nothing
        continue;
      }
      if (order?.supersedes) this.orders.supersede(batch.funnelId, order.supersedes);
      const session = { funnelId: batch.funnelId, id: sessionId, anonymousId, contactId, ts: e.ts, type: e.type, name, en };
      if (existing) this.sessions.fold({ ...session, existing });
      else this.sessions.open(session);
      if (contactId !== null && key) this.sessions.linkContact(batch.funnelId, anonymousId, contactId);
      if (contactId !== null && e.type === "conversion") this.contacts.conversion(contactId, e.ts, en.currency, en.revenueMinor);
      if (created && contactId !== null) result.newContacts.push({ funnelId: batch.funnelId, contactId, anonymousId, eventRowId: rowId });
      row.rowId = rowId;
      result.written.push(row);
    }
    return this.finish(batch, result);
  }

  private finish(batch: QueuedBatch, result: BatchResult): BatchResult {
    this.sessions.flush();
    if (result.bots) this.addBots.run(result.bots, batch.funnelId);
    if (result.written.length && !this.started.has(batch.funnelId)) {
      this.markFirstEvent.run(result.written[0].ts, batch.funnelId);
      this.started.add(batch.funnelId);
    }
    return result;
  }

  /**
   * The client's anonymous id; else, for a server event naming a known contact, the
   * contact's latest visitor id; else the cookieless daily hash of IP + UA + funnel.
   */
  private visitorOf(batch: QueuedBatch, e: QueuedEvent, ip: string | null, ua: string | null, key: ReturnType<typeof contactKeyOf>): string {
    if (e.anonymousId) return e.anonymousId;
    if (key) {
      const contactId = this.contacts.find(batch.funnelId, key);
      const anon = contactId !== null ? this.contacts.latestVisitorOf(contactId) : null;
      if (anon) return anon;
    }
    return visitorHash(this.salts.forTime(batch.receivedAt), batch.funnelId, ip ?? "", ua ?? "");
  }
}
