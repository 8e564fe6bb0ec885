// Per-server automation state: prepared statements, the active-rules cache, the
// delivery settings (tests compress the retry schedule here), and the job runner
// once started. One per AppContext, made on first use.
import type { Database } from "bun:sqlite";
import type { AppContext } from "../context";
import type { Db, Store } from "../db/open";
import { JobQueue } from "../jobs/queue";
import type { VisitorReads } from "../store/journey-reader";
import type { JobRunner } from "../jobs/runner";
import { DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff";
import { DEFAULT_TIMEOUT_MS } from "./deliver";
import { DeliveryStore } from "./deliveries";
import { Firings } from "./firings";
import { automationLookups, type AutomationLookups } from "./runtime-lookups";
import { activeRules, type Rule } from "./rules";
import { systemLookup, type Lookup } from "./ssrf";

export interface AutomationRuntime {
  sqlite: Database;
  db: Db;
  queue: JobQueue;
  deliveries: DeliveryStore;
  firings: Firings;
  /** Inside the processing transaction (the listener): synchronous, the run included. */
  lookups: AutomationLookups;
  /** Outside it (abandonment checks on the job runner): answered async by a store over the network. */
  reads: VisitorReads;
  rules: RuleCache;
  /** Retry schedule for deliveries (replaceable in tests). */
  backoff: BackoffPolicy;
  timeoutMs: number;
  lookup: Lookup;
  allowPrivate: boolean;
  now: () => number;
  /** When the oldest batch still waiting in the ingest queue was accepted, or null when none waits. */
  oldestQueued(): number | null;
  runner: JobRunner | null;
  /** Jobs were enqueued and are due now: have the runner look soon. */
  wake(): void;
}

/**
 * Active rules per funnel, read once and kept until a rule changes. Changes made in
 * this process call invalidate(); changes made by another process (the CLI) show up
 * as a new PRAGMA data_version, which drops everything.
 */
export class RuleCache {
  private byFunnel = new Map<string, Rule[]>();
  private dataVersion: number;
  private version;

  constructor(
    private db: Db,
    sqlite: Database,
  ) {
    this.version = sqlite.prepare<{ data_version: number }, []>("PRAGMA data_version");
    this.dataVersion = this.version.get()!.data_version;
  }

  active(funnelId: string): Rule[] {
    const v = this.version.get()!.data_version;
    if (v !== this.dataVersion) {
      this.byFunnel.clear();
      this.dataVersion = v;
    }
    let rules = this.byFunnel.get(funnelId);
    if (!rules) {
      rules = activeRules(this.db, funnelId);
      this.byFunnel.set(funnelId, rules);
    }
    return rules;
  }

  invalidate(funnelId?: string): void {
    if (funnelId) this.byFunnel.delete(funnelId);
    else this.byFunnel.clear();
  }
}

const runtimes = new WeakMap<AppContext, AutomationRuntime>();

/** Everything automations need from a store; the CLI makes one without a server. */
export function makeRuntime(store: Store, options: { allowPrivate: boolean; now?: () => number }): AutomationRuntime {
  const { sqlite, db } = store;
  const queue = new JobQueue(sqlite);
  const oldest = store.queue.prepare<{ receivedAt: number }, []>(
    "SELECT received_at AS receivedAt FROM ingest_batches WHERE status = 'pending' ORDER BY id LIMIT 1",
  );
  return {
    sqlite,
    db,
    queue,
    deliveries: new DeliveryStore(sqlite, queue),
    firings: new Firings(sqlite),
    lookups: automationLookups(sqlite, store.events.visitors),
    get reads() {
      return store.events.journeys;
    },
    rules: new RuleCache(db, sqlite),
    backoff: DEFAULT_BACKOFF,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    lookup: systemLookup,
    allowPrivate: options.allowPrivate,
    now: options.now ?? Date.now,
    oldestQueued: () => oldest.get()?.receivedAt ?? null,
    runner: null,
    wake() {
      this.runner?.wake(2);
    },
  };
}

export function automationRuntime(ctx: AppContext): AutomationRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    rt = makeRuntime(ctx.store, { allowPrivate: ctx.config.allowPrivateWebhooks, now: () => ctx.now() });
    runtimes.set(ctx, rt);
  }
  return rt;
}
