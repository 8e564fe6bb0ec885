// The reads automations make of the event plane (events, sessions, contacts) to
// build payloads and follow a visitor through the funnel steps. Every one is a lookup
// by primary key or an indexed range, cheap enough to run inside the ingest transaction.
// Public ids come in as the SDK sent them and are encoded for the lookup (../layout).
import type { Database, Statement } from "bun:sqlite";
import type { EventView } from "../../dashboard-views";
import { EVENT_VIEW_COLUMNS, toEventView, type EventRowRaw } from "../dashboard/event-list";
import { VISITOR_EVENTS_CAP, type ContactInfo, type SessionInfo, type TimelineEvent, type VisitorLookups } from "../../journey-reader";
import { encodePublicId, funnelKey, NO_VISIT, PROPS_SQL } from "../layout";

type PublicId = string | Uint8Array;
type Key = number | null;

interface TimelineRow {
  rowId: number;
  type: string;
  name: string;
  path: string | null;
  props: string | null;
  ts: number;
}

/** The visitors key of an anonymous id in the funnel (?1 the funnel key, ?2 the encoded id). */
const VISITOR = "(SELECT key FROM visitors WHERE funnel = ?1 AND public_id = ?2)";

/** A contact as automations' payloads show it; contacts stay in SQLite with either event store. */
export function contactInfoLookup(sqlite: Database): (id: number | null) => ContactInfo | null {
  const contact = sqlite.prepare<Omit<ContactInfo, "traits"> & { traits: string }, [number]>(
    "SELECT id, email, user_id AS userId, name, traits, first_seen AS firstSeen FROM contacts WHERE id = ?",
  );
  return (id) => {
    if (id === null) return null;
    const row = contact.get(id);
    return row ? { ...row, traits: JSON.parse(row.traits) as Record<string, unknown> } : null;
  };
}

export class SqliteVisitorLookups implements VisitorLookups {
  private session: Statement<Omit<SessionInfo, "id">, [Key, PublicId]>;
  private contact: (id: number | null) => ContactInfo | null;
  private visitorContact: Statement<{ contactId: number }, [Key, PublicId]>;
  private eventByRow: Statement<EventRowRaw, [number]> | null = null;
  private visitorEvents: Statement<TimelineRow, [Key, PublicId, number, number]>;

  constructor(private sqlite: Database) {
    this.session = sqlite.prepare(
      `SELECT s.started_at AS startedAt, ep.value AS entryPath, src.channel, src.referrer_host AS referrerHost, src.utm_source,
        src.utm_medium, src.utm_campaign, src.utm_term, src.utm_content, s.click_id AS clickId, pl.country, c.device, c.browser, c.os
       FROM sessions s LEFT JOIN strings ep ON ep.id = s.entry_path LEFT JOIN sources src ON src.id = s.source
         LEFT JOIN places pl ON pl.id = s.place LEFT JOIN clients c ON c.id = s.client
       WHERE s.funnel = ? AND s.public_id = ?`,
    );
    this.contact = contactInfoLookup(sqlite);
    this.visitorContact = sqlite.prepare(`SELECT contact_id AS contactId FROM contact_visitors WHERE visitor = ${VISITOR}`);
    // The most recent events in the range (newest first, capped), found through the
    // visitor's visits: (funnel, visitor, started_at), then (funnel, session, ts, …).
    // Visits that started after the range cannot hold events in it. Events with no
    // visit (NO_VISIT, payments that found none) are read from the range by (funnel, session, ts).
    const cols = "e.row_id, e.kind, e.path, e.props, e.ts";
    this.visitorEvents = sqlite.prepare(
      `WITH me(key) AS (SELECT key FROM visitors WHERE funnel = ?1 AND public_id = ?2)
       SELECT t.row_id AS rowId, k.type, k.name, p.value AS path, ${PROPS_SQL("t")} AS props, t.ts
       FROM (SELECT ${cols} FROM me JOIN sessions s INDEXED BY sessions_funnel_visitor ON s.funnel = ?1 AND s.visitor = me.key AND s.started_at <= ?4
               JOIN events e INDEXED BY events_funnel_session ON e.funnel = ?1 AND e.session = s.key AND e.ts >= ?3 AND e.ts <= ?4
             WHERE e.visitor = me.key
             UNION ALL
             SELECT ${cols} FROM events e INDEXED BY events_funnel_session
             WHERE e.funnel = ?1 AND e.session = ${NO_VISIT} AND e.ts >= ?3 AND e.ts <= ?4 AND e.visitor = (SELECT key FROM me)
             ORDER BY ts DESC, row_id DESC LIMIT ${VISITOR_EVENTS_CAP}) t
       JOIN kinds k ON k.id = t.kind LEFT JOIN strings p ON p.id = t.path
       ORDER BY t.ts DESC, t.row_id DESC`,
    );
  }

  sessionOf(funnelId: string, sessionId: string): SessionInfo | null {
    const row = this.session.get(funnelKey(this.sqlite, funnelId), encodePublicId(sessionId));
    return row ? { id: sessionId, ...row } : null;
  }

  contactById(id: number | null): ContactInfo | null {
    return this.contact(id);
  }

  /** The contact an anonymous id is linked to now, if any. */
  contactOfVisitor(funnelId: string, anonymousId: string): number | null {
    return this.visitorContact.get(funnelKey(this.sqlite, funnelId), encodePublicId(anonymousId))?.contactId ?? null;
  }

  eventByRowId(rowId: number): (EventView & { rowId: number }) | null {
    this.eventByRow ??= this.sqlite.prepare(`SELECT ${EVENT_VIEW_COLUMNS} FROM events WHERE row_id = ?`);
    const row = this.eventByRow.get(rowId);
    return row ? { ...toEventView(row), rowId: row.row_id } : null;
  }

  /**
   * The visitor's events with from <= ts <= to, oldest first (the latest VISITOR_EVENTS_CAP
   * of them), with only what step matching needs: this runs in the ingest transaction.
   */
  timelineOf(funnelId: string, anonymousId: string, from: number, to: number): TimelineEvent[] {
    const rows = this.visitorEvents.all(funnelKey(this.sqlite, funnelId), encodePublicId(anonymousId), from, to);
    const out: TimelineEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[rows.length - 1 - i];
      out[i] = { rowId: r.rowId, type: r.type, name: r.name, path: r.path, ts: r.ts, props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null };
    }
    return out;
  }
}
