// The event plane's readers over ClickHouse (dashboard, journeys), on a client and the
// connection to SQLite where contacts stay. The HTTP thread makes them over its link;
// each reader thread over a client of its own (src/analytics/reads/context.ts).
import type { Database } from "bun:sqlite";
import type { ClickHouseClient } from "@clickhouse/client";
import { clickhouseDashboardReader } from "./dashboard/dashboard-reader";
import type { ClickHouseReaders } from "./event-store";
import { clickhouseJourneyReader } from "./journeys/journey-reader";

export function clickhouseReaders(client: ClickHouseClient, sqlite: Database): ClickHouseReaders {
  return { dashboard: clickhouseDashboardReader(client, sqlite), journeys: clickhouseJourneyReader(client, sqlite) };
}
