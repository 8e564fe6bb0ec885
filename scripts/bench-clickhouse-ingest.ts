// Insert throughput through the processing thread, SQLite store vs ClickHouse store,
// same machine, same batches: a real server on 127.0.0.1 (processing on its own thread),
// browser batches of 10 events sent over HTTP.
// 1. end to end: sent while processing runs, timed until the queue is drained (every
//    batch stored and, for ClickHouse, acknowledged);
// 2. ClickHouse only, the processing thread alone: batches accepted while ClickHouse is
//    stopped (they queue up), then timed from its return until the queue is drained.
// ClickHouse here is chDB (26.7) behind the test adapter in this process
// (tests/helpers/clickhouse.ts: one request at a time, sharing the cores with the server),
// so its figures are a floor for this code path, not a ClickHouse server's.
// Usage: bun scripts/bench-clickhouse-ingest.ts [--batches 3000] [--rounds 2]
import { createClient } from "@clickhouse/client";
import { queueCounts } from "../src/pipeline/batch-list";
import { parseClickHouseUrl } from "../src/store/clickhouse/connection";
import { startTestClickHouse } from "../tests/helpers/clickhouse";
import { createTestFunnel, startTestServer } from "../tests/helpers/server";
import { benchBatch, BENCH_ORIGIN, machineLine } from "./bench-lib";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const BATCHES = flag("batches", 3000);
const ROUNDS = flag("rounds", 2);
const CONCURRENCY = 16;

async function round(store: "sqlite" | "clickhouse"): Promise<{ events: number; acceptMs: number; drainMs: number }> {
  const ch = store === "clickhouse" ? await startTestClickHouse() : null;
  const server = await startTestServer({ processingThread: true, rateLimitPerMinute: 0, queueHighWater: 1_000_000, eventStore: ch ? parseClickHouseUrl(ch.eventsUrl) : null });
  try {
    const f = createTestFunnel(server, { url: BENCH_ORIGIN });
    const t0 = performance.now();
    let next = 0;
    const sender = async () => {
      while (next < BATCHES) {
        next++;
        const { body, ua } = benchBatch(f.id, f.publicKey);
        const r = await fetch(`${server.url}/api/track/events`, { method: "POST", headers: { "content-type": "text/plain", origin: BENCH_ORIGIN, "user-agent": ua }, body });
        if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const acceptMs = performance.now() - t0;
    while (queueCounts(server.ctx.store.queue).pending > 0) await Bun.sleep(20);
    const drainMs = performance.now() - t0;
    let events = BATCHES * 10;
    if (ch) {
      const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database });
      const rs = await client.query({ query: "SELECT count() AS n FROM events", format: "JSONEachRow" });
      events = Number((await rs.json<{ n: string }>())[0].n);
      await client.close();
    }
    return { events, acceptMs, drainMs };
  } finally {
    await server.stop();
    await ch?.close();
  }
}

/** Batches queued while ClickHouse is stopped, then the time the processing thread takes to store them once it is back. */
async function backlog(): Promise<{ events: number; drainMs: number }> {
  const ch = await startTestClickHouse();
  const server = await startTestServer({ processingThread: true, rateLimitPerMinute: 0, queueHighWater: 1_000_000, eventStore: parseClickHouseUrl(ch.eventsUrl) });
  const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database });
  const count = async () => Number((await (await client.query({ query: "SELECT count() AS n FROM events", format: "JSONEachRow" })).json<{ n: string }>())[0].n);
  try {
    const f = createTestFunnel(server, { url: BENCH_ORIGIN });
    const send = async () => {
      const { body, ua } = benchBatch(f.id, f.publicKey);
      const r = await fetch(`${server.url}/api/track/events`, { method: "POST", headers: { "content-type": "text/plain", origin: BENCH_ORIGIN, "user-agent": ua }, body });
      if (r.status !== 202) throw new Error(`ingest answered ${r.status}`);
    };
    await send(); // migrations and the first run, before timing
    while (queueCounts(server.ctx.store.queue).pending > 0) await Bun.sleep(20);
    const before = await count();
    await ch.stop();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < BATCHES) await send();
    }));
    const t0 = performance.now();
    await ch.start();
    // A new batch wakes processing within its gathering second, instead of the retry pause (up to 5 s) after the outage.
    await send();
    while (queueCounts(server.ctx.store.queue).pending > 0) await Bun.sleep(20);
    const drainMs = performance.now() - t0;
      return { events: (await count()) - before, drainMs };
  } finally {
    await client.close();
    await server.stop();
    await ch.close();
  }
}

console.log(`bench-clickhouse-ingest: ${machineLine()}`);
console.log(`${BATCHES} browser batches × 10 events over HTTP (${CONCURRENCY} senders), until every batch left the queue\n`);
for (const store of ["sqlite", "clickhouse"] as const) {
  for (let r = 1; r <= ROUNDS; r++) {
    const { events, acceptMs, drainMs } = await round(store);
    console.log(
      `${store.padEnd(10)} round ${r}: ${events} events stored; accepted in ${acceptMs.toFixed(0)} ms, all stored after ${drainMs.toFixed(0)} ms = ` +
        `${Math.round(events / (drainMs / 1000))} events/s end to end`,
    );
  }
}

console.log(`\nClickHouse, the processing thread alone: ${BATCHES} batches queued while ClickHouse was stopped, then drained`);
for (let r = 1; r <= ROUNDS; r++) {
  const { events, drainMs } = await backlog();
  console.log(`clickhouse round ${r}: ${events} events stored ${drainMs.toFixed(0)} ms after ClickHouse returned = ${Math.round(events / (drainMs / 1000))} events/s`);
}
