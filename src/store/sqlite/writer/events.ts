// Event rows in the compact layout: the funnel, visitor and visit as keys, repeated
// strings and combinations as dictionary ids (../layout/), received_at not kept.
import type { Database } from "bun:sqlite";
import type { StoredEvent } from "../../../pipeline/stored-event";
import { encodePublicId, type Dictionaries } from "../layout";

const COLUMNS = [
  "funnel", "id", "kind", "ts", "visitor", "session", "path", "url", "title", "referrer", "client", "place", "source",
  "props", "contact_id", "user_id", "revenue_minor", "currency", "verified", "click_id", "flags", "order_id",
];

/** The keys an event row holds instead of the public ids. */
export interface EventKeys {
  funnel: number;
  visitor: number;
  /** sessions.key, or NO_VISIT. */
  session: number;
}

/** INSERT OR IGNORE on (funnel, id): a re-sent or re-processed event is written once. */
export class EventRows {
  private insert;

  constructor(
    sqlite: Database,
    private dict: Dictionaries,
  ) {
    this.insert = sqlite.prepare(
      `INSERT OR IGNORE INTO events (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
  }

  /** The new row id, or null when the event was already there. */
  write(e: Omit<StoredEvent, "rowId">, keys: EventKeys): number | null {
    const d = this.dict;
    const r = this.insert.run(
      keys.funnel, encodePublicId(e.id), d.kind(e.type, e.name), e.ts, keys.visitor, keys.session,
      d.string(e.path), d.string(e.url), d.string(e.title), d.string(e.referrer),
      d.client(e), d.place(e), d.source(e), d.props(e.props),
      e.contactId, e.userId, e.revenueMinor, e.currency, e.verified ? 1 : null, e.clickId, e.flags, e.orderId,
    );
    return r.changes ? Number(r.lastInsertRowid) : null;
  }
}
