// The journey reader over ClickHouse: the funnel report's journeys and drill-down lookups,
// step checks and suggestions, experiment reads, and what automations read of a visitor
// outside a processing run (the abandonment check). Inside a run, the staged writer
// answers them from what it loaded (../writer/run-lookups.ts).
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import type { JourneyReader } from "../../journey-reader";
import { eventsAfterExposure, exposedVisitors, ordersAfterExposure } from "./experiments";
import { loadJourneys } from "./load-journeys";
import { checkSteps, suggestSteps } from "./steps";
import { clickhouseVisitorReads } from "./visitor-reads";
import { visitorEntries, visitorIdentities } from "./visitors";

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
    ...clickhouseVisitorReads(ch, sqlite),
  };
}
