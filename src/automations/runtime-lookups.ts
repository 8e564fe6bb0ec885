// What automations look up while events are processed: the funnel (control plane,
// here) and the visitor's visit, contact and timeline (the event store's lookups,
// inside the processing transaction: ../store/journey-reader.ts VisitorLookups).
import type { Database } from "bun:sqlite";
import type { VisitorLookups } from "../store/journey-reader";

export interface FunnelInfo {
  id: string;
  name: string;
  url: string;
}

export interface AutomationLookups extends VisitorLookups {
  funnelById(id: string): FunnelInfo | null;
}

export function automationLookups(sqlite: Database, visitors: VisitorLookups): AutomationLookups {
  const funnel = sqlite.prepare<FunnelInfo, [string]>("SELECT id, name, url FROM funnels WHERE id = ?");
  return {
    funnelById: (id) => funnel.get(id) ?? null,
    sessionOf: (funnelId, sessionId) => visitors.sessionOf(funnelId, sessionId),
    contactById: (id) => visitors.contactById(id),
    contactOfVisitor: (funnelId, anonymousId) => visitors.contactOfVisitor(funnelId, anonymousId),
    eventByRowId: (rowId) => visitors.eventByRowId(rowId),
    timelineOf: (funnelId, anonymousId, from, to) => visitors.timelineOf(funnelId, anonymousId, from, to),
  };
}
