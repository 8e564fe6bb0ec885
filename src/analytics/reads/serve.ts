// The reader thread's side: opens its own connection, then answers "run" messages
// one at a time from a registry. Entry modules (./thread-entry.ts) pass the registry.
import { fullGC } from "bun:jsc";
import type { Database } from "bun:sqlite";
import { reportHeap } from "../../ops/heap-report";
import { IdleCollector, type IdleCollectorOptions } from "../../ops/idle-collect";
import { openReaderConnection, releasePageCache } from "../../db/open";
import { Statistics } from "../../store/sqlite/statistics";
import type { ClickHouseTarget } from "../../store/clickhouse/connection";
import { readContext, type Registry } from "./context";
import { describeFailure, executeRead, type ReadFailure } from "./run";
import { reluctantJit } from "../../ops/jit-policy";
import { niceThisThread } from "../../ops/thread-priority";
import { releaseSpareRows } from "../../store/sqlite/journeys/journey-rows";

// Reports wait for the CPU the thread accepting events leaves over (ingest's acks first).
const READER_NICENESS = 10;

declare const self: Worker;

export type ToReader =
  | { type: "open"; path: string; autocheckpoint: boolean; clickhouse: ClickHouseTarget | null }
  | { type: "run"; id: number; name: string; args: unknown }
  | { type: "close" };

export type FromReader =
  /** unprioritised: why the thread's priority could not be lowered. */
  | { type: "ready"; unprioritised: string | null }
  | { type: "result"; id: number; value: unknown }
  | { type: "error"; id: number; failure: ReadFailure }
  | { type: "closed" };

/**
 * The reader thread's quiet period before it gives back its heap and page cache. At 1 s,
 * a burst of events that began right after the 365-day overview peaked at 286–289 MiB
 * (0.9 s into it); at 300 ms, 246–249 MiB (docs/performance.md, "The burst's memory (stop 24)").
 */
const READER_QUIET_MS = 300;

/**
 * Reads that follow each other never leave the thread quiet: a read that left the heap
 * this much larger is followed by a full collection at once, so the next read (the funnel
 * report after the 365-day overview) does not add its peak to the garbage of the last.
 * Round after round of the dashboard's pages back to back peaked at 294–296 MiB without
 * it (bench-scale at 10M events; docs/performance.md, "The burst's memory (stop 25)").
 */
export const READER_COLLECT_GROWTH = 16 * 2 ** 20;

/**
 * The reader thread's collector: a full collection once quiet, or at once after a read that
 * grew the heap by READER_COLLECT_GROWTH; `release` gives back its page cache and row arrays.
 * `fake` stands in for the heap and the clock in tests.
 */
export function readerCollector(release: () => void, fake: Pick<IdleCollectorOptions, "heapUsed" | "collect" | "busyCollect" | "now" | "idleMs"> = {}): IdleCollector {
  return new IdleCollector({
    idleMs: READER_QUIET_MS,
    collect: () => fullGC(),
    // Read the heap after every read (at most once a millisecond).
    busyCollectMs: 1,
    busyCollectGrowth: READER_COLLECT_GROWTH,
    release,
    ...fake,
  });
}

export function serveReads(registry: Registry): void {
  reportHeap("reader");
  reluctantJit();
  let state: { close(): void; run(name: string, args: unknown): unknown; sqlite: Database } | null = null;
  const send = (m: FromReader) => postMessage(m);
  // A report's rows and its result are garbage once sent: given back when the thread is quiet,
  // with the funnel reports' row arrays and the pages the reports read (READER_CACHE_KIB), or
  // at once after a read that grew the heap by READER_COLLECT_GROWTH. Quiet is 300 ms without
  // a read, so that a burst of events right after a page does not meet the page's garbage;
  // the collections keep the compiled code for the next page.
  const idle = readerCollector(() => {
    releaseSpareRows();
    if (state) releasePageCache(state.sqlite);
  });

  // A read may answer with a promise (the ClickHouse store); the pool sends one at a time.
  const answer = async (id: number, name: string, args: unknown) => {
    idle.active();
    // Funnel reports share their row arrays (~12 MiB for a month at 10M events) while one
    // follows another; any other read frees them first, so they never add to its peak.
    if (!name.startsWith("steps.")) releaseSpareRows();
    try {
      if (!state) throw new Error("the reader thread has no connection yet");
      const value = await state.run(name, args);
      // postMessage throws here (DataCloneError) if a read returns something that cannot cross threads.
      send({ type: "result", id, value });
    } catch (err) {
      send({ type: "error", id, failure: describeFailure(err) });
    }
    idle.active();
  };

  self.onmessage = (e: MessageEvent<ToReader>) => {
    const m = e.data;
    if (m.type === "open") {
      const sqlite = openReaderConnection(m.path, { autocheckpoint: m.autocheckpoint });
      const rc = readContext(sqlite, m.clickhouse);
      const stats = new Statistics(sqlite);
      state = {
        close: () => {
          void rc.close();
          sqlite.close();
        },
        run: (name, args) => executeRead(registry, rc, stats, name, args),
        sqlite,
      };
      send({ type: "ready", unprioritised: niceThisThread(READER_NICENESS) });
    } else if (m.type === "run") {
      void answer(m.id, m.name, m.args);
    } else if (m.type === "close") {
      state?.close();
      state = null;
      idle.stop();
      send({ type: "closed" });
    }
  };
}
