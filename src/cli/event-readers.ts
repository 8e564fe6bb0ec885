// The event store a CLI command reads, as `aurea serve` would: --events / AUREA_EVENTS_URL
// names ClickHouse, else the data directory's SQLite. Commands that read events (report
// send, experiment results, funnel steps' check) take these readers; commands that only
// write SQLite's events (seed-demo) refuse with ClickHouse named (docs/cli.md).
import { ConfigError, resolveEventStore, type FlagSpec, type ParsedFlags } from "../config";
import type { Store } from "../db/open";
import { connectClickHouse, maskSecret, type ClickHouseTarget } from "../store/clickhouse/connection";
import { clickhouseReaders } from "../store/clickhouse/readers";
import type { DashboardReader } from "../store/dashboard-reader";
import type { JourneyReader } from "../store/journey-reader";

export const EVENTS_FLAG: FlagSpec = { events: { env: "AUREA_EVENTS_URL", type: "string" } };

export interface CliEventReaders {
  dashboard: DashboardReader;
  journeys: JourneyReader;
  /** The ClickHouse URL as it may be printed; null on SQLite. */
  shown: string | null;
}

/** Runs fn with the readers of the event store the flags name; a ClickHouse failure becomes one masked line. */
export async function withEventReaders<T>(flags: ParsedFlags, store: Store, fn: (r: CliEventReaders) => Promise<T>): Promise<T> {
  const target = resolveEventStore(flags);
  if (!target) return fn({ dashboard: store.events.dashboard, journeys: store.events.journeys, shown: null });
  const client = connectClickHouse(target, { requestTimeoutMs: 60_000 });
  try {
    return await fn({ ...clickhouseReaders(client, store.sqlite), shown: target.shown });
  } catch (e) {
    throw clickhouseFailure(e, target);
  } finally {
    await client.close();
  }
}

function clickhouseFailure(e: unknown, target: ClickHouseTarget): unknown {
  if (e instanceof ConfigError) return e;
  const err = e as Error & { code?: unknown; cause?: Error };
  const message = maskSecret(err.message || err.cause?.message || String(err.code ?? "") || String(e), target);
  return new ConfigError(`reading events from ClickHouse at ${target.shown} failed: ${message}`);
}

/** For commands that write events straight into SQLite's tables: refuses when AUREA_EVENTS_URL (or the value given) names ClickHouse. */
export function refuseClickHouse(raw: string | undefined, command: string, instead: string): void {
  const target = resolveEventStore({ _: [], events: raw });
  if (!target) return;
  throw new ConfigError(`${command} works on the SQLite event store only, and the events are in ClickHouse (${target.shown}, from --events or AUREA_EVENTS_URL). ${instead}`);
}
