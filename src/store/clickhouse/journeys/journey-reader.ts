// The journey reader over ClickHouse: the funnel report's journeys and drill-down lookups,
// step checks and suggestions, experiment reads. The automation lookups (VisitorLookups) are
// synchronous, run inside the processing thread's SQLite transaction, and cannot ask a
// server over HTTP there: they need the run's lookups loaded before the transaction,
// like the writer's (../writer/lookups.ts). Until then they throw an error naming
// themselves rather than answer from an empty SQLite history.
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import type { JourneyReader } from "../../journey-reader";
import { eventsAfterExposure, exposedVisitors, ordersAfterExposure } from "./experiments";
import { loadJourneys } from "./load-journeys";
import { checkSteps, suggestSteps } from "./steps";
import { visitorEntries, visitorIdentities } from "./visitors";

export function notPorted(method: string): never {
  throw new Error(`the ClickHouse event store does not answer JourneyReader.${method} yet`);
}

export function clickhouseJourneyReader(ch: ClickHouseClient, sqlite: Database): JourneyReader {
  return {
    journeys: (funnelId, q) => loadJourneys(ch, funnelId, q),
    visitorIdentities: (funnelId, keys) => visitorIdentities(ch, sqlite, funnelId, keys),
    visitorEntries: (funnelId, visitors) => visitorEntries(ch, sqlite, funnelId, visitors),
    checkSteps: (funnelId, steps, now) => checkSteps(ch, funnelId, steps, now),
    suggestSteps: (funnelId) => suggestSteps(ch, funnelId),
    exposedVisitors: (w) => exposedVisitors(ch, w),
    eventsAfterExposure: (w) => eventsAfterExposure(ch, w),
    ordersAfterExposure: (w) => ordersAfterExposure(ch, w),
    sessionOf: () => notPorted("sessionOf"),
    contactById: () => notPorted("contactById"),
    contactOfVisitor: () => notPorted("contactOfVisitor"),
    eventByRowId: () => notPorted("eventByRowId"),
    timelineOf: () => notPorted("timelineOf"),
  };
}
