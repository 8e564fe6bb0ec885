// Automations' lookups inside a ClickHouse processing run (VisitorLookups, called by the
// listener in the SQLite transaction, where no request to the server can be made):
// answered from what the run's load step read from ClickHouse (visits, contacts'
// visitors, the timelines automations will ask for) and from the run's own rows, which
// SQLite's lookups would see in its transaction too.
import type { Database } from "bun:sqlite";
import { storedToView, type StoredEvent } from "../../../pipeline/stored-event";
import { VISITOR_EVENTS_CAP, type ContactInfo, type SessionInfo, type TimelineEvent, type VisitorLookups } from "../../journey-reader";
import { contactInfoLookup } from "../../sqlite/journeys/visitor-lookups";
import type { ContactBook } from "./contacts";
import type { VisitState } from "./lookups";
import type { VisitBook } from "./visits";

const key = (funnelId: string, id: string) => `${funnelId}\u0000${id}`;

/** Visitors' stored events (oldest first) as the load step read them; replaced every run. */
export class TimelineBook {
  private byVisitor = new Map<string, TimelineEvent[]>();

  reset(): void {
    this.byVisitor = new Map();
  }

  learn(funnelId: string, anonymousId: string, events: TimelineEvent[]): void {
    this.byVisitor.set(key(funnelId, anonymousId), events);
  }

  of(funnelId: string, anonymousId: string): TimelineEvent[] {
    return this.byVisitor.get(key(funnelId, anonymousId)) ?? [];
  }
}

/** A visit as automations' payloads show it. */
export function sessionInfo(v: VisitState): SessionInfo {
  return {
    id: v.id, startedAt: v.startedAt, entryPath: v.entryPath, channel: v.channel, referrerHost: v.referrerHost,
    utm_source: v.utmSource, utm_medium: v.utmMedium, utm_campaign: v.utmCampaign, utm_term: v.utmTerm,
    utm_content: v.utmContent, clickId: v.clickId, country: v.country, device: v.device, browser: v.browser, os: v.os,
  };
}

export class RunLookups implements VisitorLookups {
  readonly contactById: (id: number | null) => ContactInfo | null;
  /** The run's rows by visitor, indexed as they are written (the listener asks after apply). */
  private mine = new Map<string, StoredEvent[]>();
  private indexed: { rows: StoredEvent[] | null; count: number } = { rows: null, count: 0 };

  constructor(
    sqlite: Database,
    private visits: VisitBook,
    private contacts: ContactBook,
    private timelines: TimelineBook,
    /** The rows the run being applied wrote so far. */
    private written: () => StoredEvent[],
  ) {
    this.contactById = contactInfoLookup(sqlite);
  }

  sessionOf(funnelId: string, sessionId: string): SessionInfo | null {
    const v = this.visits.byClientId(funnelId, sessionId);
    return v ? sessionInfo(v) : null;
  }

  contactOfVisitor(funnelId: string, anonymousId: string): number | null {
    return this.contacts.ofVisitor(funnelId, anonymousId);
  }

  /** The run's own events only: automations ask for an event the run just wrote (a new contact's). */
  eventByRowId(rowId: number) {
    const e = this.written().find((r) => r.rowId === rowId);
    return e ? { ...storedToView(e), rowId } : null;
  }

  timelineOf(funnelId: string, anonymousId: string, from: number, to: number): TimelineEvent[] {
    const out = this.timelines.of(funnelId, anonymousId).filter((e) => e.ts >= from && e.ts <= to);
    for (const e of this.runRowsOf(funnelId, anonymousId)) {
      if (e.ts >= from && e.ts <= to) out.push({ rowId: e.rowId, type: e.type, name: e.name, path: e.path, props: e.props, ts: e.ts });
    }
    out.sort((a, b) => a.ts - b.ts || a.rowId - b.rowId);
    return out.length > VISITOR_EVENTS_CAP ? out.slice(out.length - VISITOR_EVENTS_CAP) : out;
  }

  private runRowsOf(funnelId: string, anonymousId: string): StoredEvent[] {
    const rows = this.written();
    if (rows !== this.indexed.rows) {
      this.mine = new Map();
      this.indexed = { rows, count: 0 };
    }
    for (; this.indexed.count < rows.length; this.indexed.count++) {
      const e = rows[this.indexed.count];
      const k = key(e.funnelId, e.anonymousId);
      const list = this.mine.get(k);
      if (list) list.push(e);
      else this.mine.set(k, [e]);
    }
    return this.mine.get(key(funnelId, anonymousId)) ?? [];
  }
}
