// The processing thread's cost per event, without HTTP: fills the queue with
// realistic batches (as the accept path writes them), then times the worker
// draining it on one thread, round after round on a growing database.
// Usage: bun scripts/bench-processing.ts [--rounds 5] [--batches 2000] [--spike]
// --spike: the launch-day batches of bench-drain.ts (secret key, 10 page views with UTM
// of one of 8,000 sessions) instead of browser batches of a new visitor each.
import { InlineReads } from "../src/analytics/reads/run";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppContext } from "../src/context";
import { Checkpointer } from "../src/db/checkpointer";
import { openStore } from "../src/db/open";
import { createOps } from "../src/ops/ops";
import { openGeo } from "../src/enrich/geo";
import { createFunnel } from "../src/funnels/store";
import { GroupCommitter } from "../src/ingest/group-commit";
import { validateEvents } from "../src/ingest/validate";
import { installEventListeners } from "../src/pipeline/listeners";
import { IngestWorker } from "../src/pipeline/worker";
import { benchBatch, BENCH_ORIGIN, machineLine, spikeEvents } from "./bench-lib";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : Number(fallback);
};
const ROUNDS = flag("rounds", "5");
const BATCHES = flag("batches", "2000");
const SPIKE = args.includes("--spike");

const dataDir = mkdtempSync(join(tmpdir(), "aurea-bench-processing-"));
const store = openStore(dataDir);
const ctx: AppContext = {
  store,
  reads: new InlineReads(store.sqlite),
  config: { dataDir } as AppContext["config"],
  geo: await openGeo(null),
  now: Date.now,
  log: (line) => console.error(line),
  ops: createOps({ dataDir }, (line) => console.error(line), Date.now),
  eventListeners: [],
  stopping: false,
};
installEventListeners(ctx);
// As on a server: the checkpoint thread copies the WALs, the writer only resets them past a size.
store.sqlite.exec("PRAGMA wal_autocheckpoint = 0");
store.queue.exec("PRAGMA wal_autocheckpoint = 0");
const checkpointer = new Checkpointer([store.path, store.queue.filename], (line) => console.error(line));
let n = 0;
const { funnel, publicKey } = createFunnel(store.db, { name: "Bench", url: BENCH_ORIGIN });
const committer = new GroupCommitter(store.queue, 1000);
const worker = new IngestWorker(ctx, { batchesPerRun: flag("per-run", "200"), checkpointQueue: false });

console.log(`bench-processing: ${machineLine()}`);
console.log(`${ROUNDS} rounds of ${BATCHES} ${SPIKE ? "spike (secret key, 8,000 sessions)" : "browser"} batches × 10 events, processed on one thread with the listeners installed\n`);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const waits: Promise<void>[] = [];
    for (let i = 0; i < BATCHES; i++) {
      const receivedAt = Date.now();
      if (SPIKE) {
        const { events } = validateEvents(spikeEvents(n++), "secret", receivedAt, undefined);
        waits.push(committer.enqueue({ funnelId: funnel.id, keyKind: "secret", receivedAt, ip: "127.0.0.1", userAgent: null, payload: JSON.stringify(events) }));
        continue;
      }
      const { body, ua } = benchBatch(funnel.id, publicKey);
      const parsed = JSON.parse(body) as { sentAt: number; events: unknown[] };
      const { events } = validateEvents(parsed.events, "public", receivedAt, parsed.sentAt);
      waits.push(committer.enqueue({ funnelId: funnel.id, keyKind: "public", receivedAt, ip: `203.0.113.${i % 250}`, userAgent: ua, payload: JSON.stringify(events) }));
    }
    await Promise.all(waits);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    worker.drain();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const events = BATCHES * 10;
    console.log(
      `round ${round}: ${events} events in ${ms.toFixed(0)} ms = ${((ms * 1000) / events).toFixed(1)} µs/event wall, ` +
        `${((cpu.user + cpu.system) / events).toFixed(1)} µs/event CPU → ${((events / ms) * 1000).toFixed(0)} events/s on one core`,
    );
  }
} finally {
  await checkpointer.stop();
  store.close();
  ctx.geo.close();
  rmSync(dataDir, { recursive: true, force: true });
}
