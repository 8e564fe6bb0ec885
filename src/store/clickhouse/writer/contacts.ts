// Contacts with the ClickHouse event store: the people themselves (email, traits,
// totals) stay in SQLite's `contacts`, written inside the run's SQLite transaction; which
// anonymous ids they used goes to ClickHouse's `visitor_contacts` (staged here, sent with
// the run), so identify never rewrites earlier events: reads join the mapping.
import type { Database } from "bun:sqlite";
import { Lru } from "../../../enrich/lru";
import type { QueuedEvent } from "../../../ingest/validate";
import type { ContactKey } from "../../event-writer";
import type { SessionAttribution } from "./lookups";

export interface VisitorLink {
  funnel_id: string;
  anonymous_id: string;
  contact_id: number;
  linked_at: number;
}

const key = (funnelId: string, id: string) => `${funnelId}\u0000${id}`;

export class ContactBook {
  private byEmail;
  private byUser;
  private insert;
  private touch;
  private addConversion;
  private adjust;
  /** Visitor → contact (0: none), as loaded and as this writer linked them. */
  private visitors = new Lru<string, number>(100_000);
  /** Contact → its latest visitor, as loaded and as linked. */
  private latest = new Lru<number, string>(50_000);
  /** Links made in the run, to send. */
  staged: VisitorLink[] = [];

  constructor(sqlite: Database) {
    this.byEmail = sqlite.prepare<{ id: number }, [string, string]>("SELECT id FROM contacts WHERE funnel_id = ? AND email = ?");
    this.byUser = sqlite.prepare<{ id: number }, [string, string]>("SELECT id FROM contacts WHERE funnel_id = ? AND user_id = ?");
    this.insert = sqlite.prepare<{ id: number }, [string, string | null, string | null, number, number, string | null, string | null]>(
      `INSERT INTO contacts (funnel_id, email, user_id, first_seen, last_seen, first_channel, first_source)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.touch = sqlite.prepare(
      `UPDATE contacts SET last_seen = max(last_seen, $ts), first_seen = min(first_seen, $ts),
        email = coalesce(email, $email), user_id = coalesce(user_id, $userId), name = coalesce($name, name),
        traits = CASE WHEN $traits IS NULL THEN traits ELSE json_patch(traits, $traits) END
       WHERE id = $id`,
    );
    this.addConversion = sqlite.prepare(
      `UPDATE contacts SET conversions = conversions + 1, last_seen = max(last_seen, $ts),
        revenue = CASE WHEN $currency IS NULL THEN revenue
          ELSE json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor) END
       WHERE id = $id`,
    );
    this.adjust = sqlite.prepare(
      `UPDATE contacts SET revenue = json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor)
       WHERE id = $id`,
    );
  }

  find(funnelId: string, k: ContactKey): number | null {
    const byEmail = k.email ? this.byEmail.get(funnelId, k.email) : null;
    if (byEmail) return byEmail.id;
    return (k.userId ? this.byUser.get(funnelId, k.userId)?.id : null) ?? null;
  }

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

  conversion(contactId: number, ts: number, currency: string | null, minor: number | null): void {
    this.addConversion.run({ id: contactId, ts, currency: minor !== null ? currency : null, minor: minor ?? 0 });
  }

  adjustRevenue(contactId: number, currency: string, minor: number): void {
    this.adjust.run({ id: contactId, currency, minor });
  }

  /** The contact of an email, created when new, without linking a visitor (a payment with no visit). */
  ensureByEmail(funnelId: string, email: string, ts: number): { id: number; created: boolean } {
    const id = this.find(funnelId, { email, userId: null });
    if (id !== null) {
      this.touch.run({ id, ts, email, userId: null, name: null, traits: null });
      return { id, created: false };
    }
    return { id: this.insert.get(funnelId, email, null, ts, ts, null, null)!.id, created: true };
  }

  /** A run was not acknowledged: what it linked may not exist. */
  forget(): void {
    this.staged = [];
    this.visitors = new Lru(100_000);
    this.latest = new Lru(50_000);
  }
}
