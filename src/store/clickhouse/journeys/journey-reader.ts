// The journey reader over ClickHouse. Not ported yet: every method throws an error
// naming itself, so the funnel report, step checks and experiments fail loudly rather
// than counting an empty SQLite history. The automation lookups (VisitorLookups) are
// synchronous, run inside the processing thread's SQLite transaction, and cannot ask a
// server over HTTP there: they need the run's lookups loaded before the transaction,
// like the writer's (../writer/lookups.ts).
import type { JourneyReader } from "../../journey-reader";

export function notPorted(method: string): never {
  throw new Error(`the ClickHouse event store does not answer JourneyReader.${method} yet`);
}

export function clickhouseJourneyReader(): JourneyReader {
  return {
    journeys: () => notPorted("journeys"),
    visitorIdentities: () => notPorted("visitorIdentities"),
    visitorEntries: () => notPorted("visitorEntries"),
    checkSteps: () => notPorted("checkSteps"),
    suggestSteps: () => notPorted("suggestSteps"),
    exposedVisitors: () => notPorted("exposedVisitors"),
    eventsAfterExposure: () => notPorted("eventsAfterExposure"),
    ordersAfterExposure: () => notPorted("ordersAfterExposure"),
    sessionOf: () => notPorted("sessionOf"),
    contactById: () => notPorted("contactById"),
    contactOfVisitor: () => notPorted("contactOfVisitor"),
    eventByRowId: () => notPorted("eventByRowId"),
    timelineOf: () => notPorted("timelineOf"),
  };
}
