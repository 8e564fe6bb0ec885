// The embedded SQLite event store: every part on one connection (the caller's), each
// made on first use so a connection pays only for the parts it uses.
import type { Database } from "bun:sqlite";
import type { DashboardReader } from "../dashboard-reader";
import type { EventRetention } from "../event-retention";
import type { EventStore } from "../event-store";
import type { EventWriter } from "../event-writer";
import type { JourneyReader, VisitorLookups } from "../journey-reader";
import type { RollupRegistry } from "../rollup-registry";
import { sqliteDashboardReader } from "./dashboard/dashboard-reader";
import { SqliteJourneyReader } from "./journeys/journey-reader";
import { SqliteVisitorLookups } from "./journeys/visitor-lookups";
import { SqliteEventRetention } from "./retention/event-retention";
import { sqliteRollupRegistry } from "./rollups/registry";
import { SqliteEventWriter } from "./writer/event-writer";

export function sqliteEventStore(sqlite: Database): EventStore {
  let rollups: RollupRegistry | null = null;
  let journeys: JourneyReader | null = null;
  let retention: EventRetention | null = null;
  let dashboard: DashboardReader | null = null;
  let writer: EventWriter | null = null;
  let visitors: VisitorLookups | null = null;
  const registry = () => (rollups ??= sqliteRollupRegistry(sqlite));
  return {
    get writer() {
      return (writer ??= new SqliteEventWriter(sqlite));
    },
    get dashboard() {
      return (dashboard ??= sqliteDashboardReader(sqlite, registry().dashboard));
    },
    get rollups() {
      return registry();
    },
    get journeys() {
      return (journeys ??= new SqliteJourneyReader(sqlite, registry()));
    },
    get visitors() {
      return (visitors ??= new SqliteVisitorLookups(sqlite));
    },
    get retention() {
      return (retention ??= new SqliteEventRetention(sqlite, registry()));
    },
  };
}
