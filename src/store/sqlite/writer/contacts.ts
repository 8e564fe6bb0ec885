// Writes to contacts and contact_visitors: a known person, and the visitors (anonymous
// ids) they used. contact_visitors holds visitor keys; the funnel is the visitor's.
import type { Database } from "bun:sqlite";
import type { QueuedEvent } from "../../../ingest/validate";
import type { ContactKey } from "../../event-writer";
import { decodePublicId, type StoredPublicId } from "../layout";
import { ContactRows } from "./contact-rows";
import type { VisitorRef } from "./sessions";

export class ContactWriter extends ContactRows {
  private link;
  private contactOfVisitor;
  private latestVisitor;
  private firstSession;
  private relinkEvents;
  /** Contact of a visitor key, per run. */
  private cache = new Map<number, number | null>();

  constructor(
    sqlite: Database,
    private beforeSessionsRead: () => void = () => {},
  ) {
    super(sqlite);
    this.link = sqlite.prepare(
      `INSERT INTO contact_visitors (visitor, contact_id, linked_at) VALUES (?, ?, ?)
       ON CONFLICT (visitor) DO UPDATE SET contact_id = excluded.contact_id, linked_at = excluded.linked_at`,
    );
    this.contactOfVisitor = sqlite.prepare<{ contact_id: number }, [number]>("SELECT contact_id FROM contact_visitors WHERE visitor = ?");
    this.latestVisitor = sqlite.prepare<{ public_id: StoredPublicId }, [number]>(
      `SELECT v.public_id FROM contact_visitors cv CROSS JOIN visitors v ON v.key = cv.visitor
       WHERE cv.contact_id = ? ORDER BY cv.linked_at DESC LIMIT 1`,
    );
    this.firstSession = sqlite.prepare<{ channel: string | null; utm_source: string | null; referrer_host: string | null }, [number, number]>(
      `SELECT src.channel, src.utm_source, src.referrer_host FROM sessions s LEFT JOIN sources src ON src.id = s.source
       WHERE s.funnel = ? AND s.visitor = ? ORDER BY s.started_at LIMIT 1`,
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

}
