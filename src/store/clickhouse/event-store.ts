// The ClickHouse event store: events, visits and visitor → contact links in ClickHouse,
// contacts and the control plane in SQLite. Writes go through the processing thread's
// staged writer (./writer/); here the parts the HTTP thread uses.
import type { Database } from "bun:sqlite";
import type { DashboardReader } from "../dashboard-reader";
import type { EventStore } from "../event-store";
import type { EventWriter } from "../event-writer";
import type { JourneyReader, VisitorLookups } from "../journey-reader";
import type { ClickHouseLink } from "./link";
import { ClickHouseEventRetention } from "./retention";
import { clickhouseRollupRegistry } from "./rollups";

export interface ClickHouseReaders {
  dashboard: DashboardReader;
  journeys: JourneyReader;
}

/** Only the processing thread writes, through ClickHouseEventWriter (a staged writer). */
const NO_SYNC_WRITER: EventWriter = {
  apply() {
    throw new Error("the ClickHouse event store is written by the processing thread (ClickHouseEventWriter)");
  },
  rolledBack() {},
};

/**
 * Automations' lookups inside the processing transaction are answered by the processing
 * thread's staged writer (./writer/run-lookups.ts), from what it loaded for the run; no
 * other thread processes events with ClickHouse.
 */
function onlyInRun(method: string): never {
  throw new Error(`VisitorLookups.${method}: with ClickHouse, only the processing thread's writer answers it (inside a run)`);
}
export const NO_SYNC_VISITORS: VisitorLookups = {
  sessionOf: () => onlyInRun("sessionOf"),
  contactById: () => onlyInRun("contactById"),
  contactOfVisitor: () => onlyInRun("contactOfVisitor"),
  eventByRowId: () => onlyInRun("eventByRowId"),
  timelineOf: () => onlyInRun("timelineOf"),
};

export function clickhouseEventStore(link: ClickHouseLink, sqlite: Database, readers: ClickHouseReaders, log?: (line: string) => void): EventStore {
  return {
    writer: NO_SYNC_WRITER,
    dashboard: readers.dashboard,
    journeys: readers.journeys,
    visitors: NO_SYNC_VISITORS,
    retention: new ClickHouseEventRetention(link, sqlite, log),
    rollups: clickhouseRollupRegistry(),
  };
}
