// The ClickHouse EventWriter (a StagedEventWriter, ../../event-writer.ts): the same
// decisions as the SQLite writer (visits, contacts, orders counted once), taken over
// what the run's lookups loaded and what this writer remembers, then sent as a few
// inserts per run. Events are written once: ids already stored are dropped before the
// insert, and the insert's deduplication token drops a retried one.
import type { Database } from "bun:sqlite";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { storedRow } from "../../stored-row";
import type { AppliedRun, ProcessedBatch, ProcessedEvent, StagedEventWriter, TimelineNeed } from "../../event-writer";
import { isBrowsing, isEngaging } from "../../session-rules";
import type { ClickHouseLink } from "../link";
import { ContactBook } from "./contacts";
import { RunLoader } from "./load";
import { WriterLookups } from "./lookups";
import { OrderBook } from "./orders";
import { PaymentRows } from "./payments";
import { eventRow, RowIds, type EventRow, type VisitPart } from "./rows";
import { RunLookups, TimelineBook } from "./run-lookups";
import { sendRun } from "./send";
import { VisitBook } from "./visits";

type EventsBatch = Extract<ProcessedBatch, { kind: "events" }>;

export class ClickHouseEventWriter implements StagedEventWriter {
  private visits = new VisitBook();
  private contacts: ContactBook;
  private orders: OrderBook;
  private payments: PaymentRows;
  private lookups: WriterLookups;
  private loader: RunLoader;
  private rowIds = new RowIds();
  /** Per funnel: ids stored before the run, and those the run writes. */
  private stored = new Map<string, Set<string>>();
  private rows: EventRow[] = [];
  /** The run's stored events, as the listeners' lookups see them. */
  private written: StoredEvent[] = [];
  private timelines = new TimelineBook();
  /** What automations look up inside the run's transaction (the listener's VisitorLookups). */
  readonly visitorLookups: RunLookups;
  /** Which funnels' visitors' timelines a run's listeners will ask for (automations sets it). */
  timelineNeed: (funnelId: string) => TimelineNeed | null = () => null;

  constructor(
    sqlite: Database,
    private link: ClickHouseLink,
  ) {
    this.lookups = new WriterLookups(link.client);
    this.contacts = new ContactBook(sqlite);
    this.orders = new OrderBook(this.contacts);
    this.loader = new RunLoader(this.lookups, this.visits, this.contacts, this.timelines, (funnelId) => this.timelineNeed(funnelId));
    this.visitorLookups = new RunLookups(sqlite, this.visits, this.contacts, this.timelines, () => this.written);
    this.payments = new PaymentRows(this.visits, this.contacts, this.orders, {
      isStored: (funnelId, id) => this.isStored(funnelId, id),
      write: (row, part) => this.write(row, part),
    });
  }

  load(batches: ProcessedBatch[]): Promise<void> {
    return this.link.guard(async () => {
      await this.link.ensureSchema();
      if (!this.rowIds.ready) this.rowIds.start(await this.lookups.maxRowId());
      const loaded = await this.loader.load(batches);
      this.stored = loaded.stored;
      this.orders.begin(loaded.orders);
    });
  }

  apply(batches: ProcessedBatch[]): AppliedRun {
    this.rows = [];
    this.written = [];
    this.contacts.staged = [];
    const run: AppliedRun = { written: [], duplicates: 0, newContacts: [] };
    for (const batch of batches) {
      if (batch.kind === "payments") this.payments.apply(batch.funnelId, batch.receivedAt, batch.facts, run);
      else for (const e of batch.events) this.applyEvent(batch, e, run);
    }
    return run;
  }

  async send(): Promise<void> {
    const run = { events: this.rows, links: this.contacts.staged, corrections: this.orders.corrections, superseded: this.orders.superseded };
    await this.link.guard(() => sendRun(this.link.client, run));
    this.link.acknowledged();
  }

  rolledBack(): void {
    this.rows = [];
    this.written = [];
    this.visits.forget();
    this.contacts.forget();
    this.stored = new Map();
  }

  private isStored(funnelId: string, id: string): boolean {
    return this.stored.get(funnelId)?.has(id) ?? false;
  }

  private write(row: StoredEvent, part: VisitPart): void {
    row.rowId = this.rowIds.next();
    let ids = this.stored.get(row.funnelId);
    if (!ids) this.stored.set(row.funnelId, (ids = new Set()));
    ids.add(row.id);
    this.rows.push(eventRow(row, part));
    this.written.push(row);
  }

  private applyEvent(batch: EventsBatch, p: ProcessedEvent, run: AppliedRun): void {
    const { event: e, contactKey: key, id, name, orderId } = p;
    const funnelId = batch.funnelId;
    if (this.isStored(funnelId, id)) {
      run.duplicates++; // already stored by an earlier run or request: change nothing
      return;
    }
    let en = p.en;
    const anonymousId = RunLoader.visitorOf(batch, p, this.contacts);
    const { id: sessionId, existing } = this.visits.resolve(funnelId, anonymousId, e.sessionId, e.ts, en.attribution);
    const attribution = existing ?? { ...en.attribution, channel: en.channel, referrerHost: en.referrerHost };
    let contactId = this.contacts.ofVisitor(funnelId, anonymousId);
    let created = false;
    if (key) ({ id: contactId, created } = this.contacts.upsert(funnelId, key, e, anonymousId, this.visits.lastOf(funnelId, anonymousId) ?? attribution));

    const order = orderId && en.revenueMinor !== null ? this.orders.decide(funnelId, orderId, id, en.verified) : null;
    if (order && !order.counts) en = { ...en, revenueMinor: null };
    const row = storedRow({
      funnelId, id, name, receivedAt: batch.receivedAt, event: e, en, anonymousId, sessionId, contactId, attribution, orderId,
      superseded: Boolean(order && !order.counts),
    });
    if (order?.supersedes) this.orders.supersede(funnelId, order.supersedes);
    const visitStart = existing?.visitStart ?? e.ts;
    this.write(row, {
      visitStart,
      opensVisit: !existing,
      browsing: isBrowsing(e.type, en.bySecretKey),
      engaging: isEngaging(e.type, name),
      inVisit: true,
    });
    if (orderId && e.type === "conversion") this.orders.written(funnelId, orderId, { ...row, visitStart });
    if (existing) this.visits.fold(funnelId, existing, { ts: e.ts, type: e.type, path: row.path, bySecretKey: en.bySecretKey });
    else {
      const seen = { entryPath: row.path, country: row.country, device: row.device, browser: row.browser, os: row.os };
      this.visits.open(funnelId, { ...attribution, ...seen, id: sessionId, anonymousId, visitStart: e.ts, startedAt: e.ts, lastAt: e.ts });
    }
    if (contactId !== null && e.type === "conversion") this.contacts.conversion(contactId, e.ts, en.currency, en.revenueMinor);
    if (created && contactId !== null) run.newContacts.push({ funnelId, contactId, anonymousId, eventRowId: row.rowId });
    run.written.push(row);
  }
}
