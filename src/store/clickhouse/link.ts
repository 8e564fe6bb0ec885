// One ClickHouse server as the event store sees it: the clients, the schema brought up
// to date before first use, and whether the server answers. Every error leaving here is
// masked (no password) and says whether the server is unavailable (the run is redone
// as it is, later) or refused the data itself (a batch is at fault).
import type { ClickHouseClient } from "@clickhouse/client";
import { EventStoreUnavailable, type EventStoreHealth } from "../event-writer";
import { connectClickHouse, maskSecret, type ClickHouseTarget } from "./connection";
import { migrateClickHouse } from "./migrations";

/** Server error codes that blame the data sent, not the server (ClickHouse's ErrorCodes.cpp). */
const DATA_ERRORS = new Set(["6", "26", "27", "38", "41", "53", "69", "70", "72", "117", "131"]);

export class ClickHouseLink {
  readonly client: ClickHouseClient;
  private admin: ClickHouseClient;
  private migrated: Promise<void> | null = null;
  readonly health: EventStoreHealth;

  constructor(
    readonly target: ClickHouseTarget,
    private now: () => number = Date.now,
    requestTimeoutMs = 30_000,
  ) {
    this.client = connectClickHouse(target, { requestTimeoutMs });
    this.admin = connectClickHouse(target, { noDatabase: true, requestTimeoutMs });
    this.health = { kind: "clickhouse", shown: target.shown, reachable: true, error: null, downSince: null, lastAckAt: null };
  }

  /** Applies the embedded migrations once per process (again after a failure). */
  ensureSchema(): Promise<void> {
    this.migrated ??= migrateClickHouse(this.admin, this.client, this.target.database).then(
      () => {},
      (e) => {
        this.migrated = null;
        throw e;
      },
    );
    return this.migrated;
  }

  /** Runs fn against the server, recording whether it answered. */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const r = await fn();
      this.health.reachable = true;
      this.health.error = null;
      this.health.downSince = null;
      return r;
    } catch (e) {
      const err = e as Error & { code?: unknown; cause?: Error };
      const message = maskSecret(err.message || err.cause?.message || String(err.code ?? "") || err.name || String(e), this.target);
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string" && DATA_ERRORS.has(code)) throw new Error(`ClickHouse refused the data: ${message}`);
      this.health.reachable = false;
      this.health.error = message;
      this.health.downSince ??= this.now();
      throw new EventStoreUnavailable(`ClickHouse at ${this.target.shown} is unavailable: ${message}`);
    }
  }

  acknowledged(): void {
    this.health.lastAckAt = this.now();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.client.close(), this.admin.close()]);
  }
}
