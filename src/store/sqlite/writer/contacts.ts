// Writes to contacts and contact_visitors: a known person, and the visitors (anonymous
// ids) they used. contact_visitors holds visitor keys; the funnel is the visitor's.
import type { Database } from "bun:sqlite";
import type { QueuedEvent } from "../../../ingest/validate";
import type { ContactKey } from "../../event-writer";
import { decodePublicId, type StoredPublicId } from "../layout";
import type { VisitorRef } from "./sessions";

export class ContactWriter {
  private byEmail;
  private byUser;
  private insert;
  private touch;
  private link;
  private contactOfVisitor;
  private latestVisitor;
  private addConversion;
  private firstSession;
  private relinkEvents;
  private adjust;
  /** Contact of a visitor key, per run. */
  private cache = new Map<number, number | null>();

  constructor(
    sqlite: Database,
    private beforeSessionsRead: () => void = () => {},
  ) {
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
    this.link = sqlite.prepare(
      `INSERT INTO contact_visitors (visitor, contact_id, linked_at) VALUES (?, ?, ?)
       ON CONFLICT (visitor) DO UPDATE SET contact_id = excluded.contact_id, linked_at = excluded.linked_at`,
    );
    this.contactOfVisitor = sqlite.prepare<{ contact_id: number }, [number]>("SELECT contact_id FROM contact_visitors WHERE visitor = ?");
    this.latestVisitor = sqlite.prepare<{ public_id: StoredPublicId }, [number]>(
      `SELECT v.public_id FROM contact_visitors cv CROSS JOIN visitors v ON v.key = cv.visitor
       WHERE cv.contact_id = ? ORDER BY cv.linked_at DESC LIMIT 1`,
    );
    this.addConversion = sqlite.prepare(
      `UPDATE contacts SET conversions = conversions + 1, last_seen = max(last_seen, $ts),
        revenue = CASE WHEN $currency IS NULL THEN revenue
          ELSE json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor) END
       WHERE id = $id`,
    );
    this.firstSession = sqlite.prepare<{ channel: string | null; utm_source: string | null; referrer_host: string | null }, [number, number]>(
      `SELECT src.channel, src.utm_source, src.referrer_host FROM sessions s LEFT JOIN sources src ON src.id = s.source
       WHERE s.funnel = ? AND s.visitor = ? ORDER BY s.started_at LIMIT 1`,
    );
    this.adjust = sqlite.prepare(
      `UPDATE contacts SET revenue = json_set(revenue, '$.' || $currency, coalesce(json_extract(revenue, '$.' || $currency), 0) + $minor)
       WHERE id = $id`,
    );
    // A visitor's events are found through their visits (events has no visitor index).
    this.relinkEvents = sqlite.prepare(
      `UPDATE events SET contact_id = $contact WHERE funnel = $funnel AND visitor = $visitor AND contact_id IS NULL
        AND session IN (SELECT key FROM sessions WHERE funnel = $funnel AND visitor = $visitor)`,
    );
  }

  /** Forget per-run lookups; call at the start of each processing transaction. */
  reset(): void {
    this.cache.clear();
  }

  find(funnelId: string, key: ContactKey): number | null {
    const byEmail = key.email ? this.byEmail.get(funnelId, key.email) : null;
    if (byEmail) return byEmail.id;
    const byUser = key.userId ? this.byUser.get(funnelId, key.userId) : null;
    return byUser?.id ?? null;
  }

  /** The contact a visitor is linked to, if any (memoised per run). */
  ofVisitor(visitor: number): number | null {
    if (!this.cache.has(visitor)) this.cache.set(visitor, this.contactOfVisitor.get(visitor)?.contact_id ?? null);
    return this.cache.get(visitor) ?? null;
  }

  /** The public id of the visitor the contact used last. */
  latestVisitorOf(contactId: number): string | null {
    const r = this.latestVisitor.get(contactId);
    return r ? decodePublicId(r.public_id) : null;
  }

  /** Creates or updates the contact and links the visitor; says whether it is new. */
  upsert(funnelId: string, key: ContactKey, e: QueuedEvent, v: VisitorRef): { id: number; created: boolean } {
    let id = this.find(funnelId, key);
    let created = false;
    if (id === null) {
      this.beforeSessionsRead();
      const first = this.firstSession.get(v.funnel, v.visitor);
      id = this.insert.get(funnelId, key.email, key.userId, e.ts, e.ts, first?.channel ?? null, first?.utm_source ?? first?.referrer_host ?? null)!.id;
      created = true;
    }
    const traits = e.traits ? JSON.stringify(e.traits) : null;
    const name = typeof e.traits?.name === "string" ? e.traits.name : null;
    this.touch.run({ id, ts: e.ts, email: key.email, userId: key.userId, name, traits });
    if (this.ofVisitor(v.visitor) !== id) {
      this.link.run(v.visitor, id, e.ts);
      this.cache.set(v.visitor, id);
      this.relinkEvents.run({ contact: id, funnel: v.funnel, visitor: v.visitor });
    }
    return { id, created };
  }

  conversion(contactId: number, ts: number, currency: string | null, minor: number | null): void {
    this.addConversion.run({ id: contactId, ts, currency: minor !== null ? currency : null, minor: minor ?? 0 });
  }

  /** Takes a superseded conversion's revenue back out of the contact's total (negative minor). */
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
}
