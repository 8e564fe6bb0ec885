// Contacts with the ClickHouse event store: the people themselves (email, traits,
// totals) stay in SQLite's `contacts`, written inside the run's SQLite transaction; which
// anonymous ids they used goes to ClickHouse's `visitor_contacts` (staged here, sent with
// the run), so identify never rewrites earlier events: reads join the mapping.
import { Lru } from "../../../enrich/lru";
import type { QueuedEvent } from "../../../ingest/validate";
import type { ContactKey } from "../../event-writer";
import { ContactRows } from "../../sqlite/writer/contact-rows";
import type { SessionAttribution } from "./lookups";

export interface VisitorLink {
  funnel_id: string;
  anonymous_id: string;
  contact_id: number;
  linked_at: number;
}

const key = (funnelId: string, id: string) => `${funnelId}\u0000${id}`;

export class ContactBook extends ContactRows {
  /** Visitor → contact (0: none), as loaded and as this writer linked them. */
  private visitors = new Lru<string, number>(100_000);
  /** Contact → its latest visitor, as loaded and as linked. */
  private latest = new Lru<number, string>(50_000);
  /** Links made in the run, to send. */
  staged: VisitorLink[] = [];

  missingVisitor(funnelId: string, anonymousId: string): boolean {
    return this.visitors.get(key(funnelId, anonymousId)) === undefined;
  }
  missingLatest(contactId: number): boolean {
    return this.latest.get(contactId) === undefined;
  }

  /** What the lookups found; visitors with no contact are remembered as such. */
  learnVisitor(funnelId: string, anonymousId: string, contactId: number | null): void {
    this.visitors.set(key(funnelId, anonymousId), contactId ?? 0);
  }
  learnLatest(contactId: number, anonymousId: string): void {
    this.latest.set(contactId, anonymousId);
  }

  ofVisitor(funnelId: string, anonymousId: string): number | null {
    return this.visitors.get(key(funnelId, anonymousId)) || null;
  }

  latestVisitorOf(contactId: number): string | null {
    return this.latest.get(contactId) ?? null;
  }

  /** Creates or updates the contact and links the visitor; says whether it is new. */
  upsert(funnelId: string, k: ContactKey, e: QueuedEvent, anonymousId: string, firstVisit: SessionAttribution | null): { id: number; created: boolean } {
    let id = this.find(funnelId, k);
    let created = false;
    if (id === null) {
      const source = firstVisit?.utmSource ?? firstVisit?.referrerHost ?? null;
      id = this.insert.get(funnelId, k.email, k.userId, e.ts, e.ts, firstVisit?.channel ?? null, source)!.id;
      created = true;
    }
    const traits = e.traits ? JSON.stringify(e.traits) : null;
    const name = typeof e.traits?.name === "string" ? e.traits.name : null;
    this.touch.run({ id, ts: e.ts, email: k.email, userId: k.userId, name, traits });
    if (this.ofVisitor(funnelId, anonymousId) !== id) this.link(funnelId, anonymousId, id, e.ts);
    return { id, created };
  }

  link(funnelId: string, anonymousId: string, contactId: number, ts: number): void {
    this.visitors.set(key(funnelId, anonymousId), contactId);
    this.latest.set(contactId, anonymousId);
    this.staged.push({ funnel_id: funnelId, anonymous_id: anonymousId, contact_id: contactId, linked_at: ts });
  }

  /** A run was not acknowledged: what it linked may not exist. */
  forget(): void {
    this.staged = [];
    this.visitors = new Lru(100_000);
    this.latest = new Lru(50_000);
  }
}
