// What the server knows about its own health, gathered where it happens and read by
// /healthz and /metrics (health.ts, routes.ts).
import type { ServeConfig } from "../config";
import { aureaMetrics, type AureaMetrics } from "./aurea-metrics";
import { DEFAULT_MIN_FREE_DISK, DiskSpace } from "./disk-space";
import { StorageFaults, type FaultReport } from "./faults";
import type { TaskState } from "../tasks/runner";
import type { EventStoreHealth } from "../store/event-writer";

export interface ProcessingHealth {
  /** When processing last completed a run (or an idle poll) without error. */
  lastRunAt: number;
  /** The storage fault holding processing back, if any. */
  fault: FaultReport | null;
  /** An event store over the network (ClickHouse) as processing last found it; null: the embedded SQLite. */
  eventStore?: EventStoreHealth | null;
}

export interface Ops {
  metrics: AureaMetrics;
  faults: StorageFaults;
  disk: DiskSpace;
  processing: ProcessingHealth;
  /** Damage found in the data files at start (files-check.ts), until acknowledged. */
  damage: string[];
  /** The periodic tasks' last runs and errors (src/tasks/), once the server started them. */
  tasks: () => TaskState[];
}

export function createOps(config: Pick<ServeConfig, "dataDir" | "minFreeDisk">, log: (line: string) => void, now: () => number): Ops {
  const metrics = aureaMetrics();
  return {
    metrics,
    faults: new StorageFaults(log, now, metrics.storageErrors),
    disk: new DiskSpace(config.dataDir, config.minFreeDisk ?? DEFAULT_MIN_FREE_DISK, now, log),
    processing: { lastRunAt: now(), fault: null },
    damage: [],
    tasks: () => [],
  };
}
