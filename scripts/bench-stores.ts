// Both event stores on the same data: a SQLite data directory seeded with the demo
// generator (as `aurea seed-demo`), copied into ClickHouse with `aurea events migrate`
// (a child process, timed), then the same reader calls on each store:
// - dashboard page: totals with the previous period, the chart, and the five panels the
//   page shows first (channel, source, entry, page, device), 30 days;
// - filtered page: the same with page=/pricing;
// - the 5-step funnel report (30 days, sequential) and with the previous period.
// Then insert throughput into ClickHouse through the processing thread
// (scripts/bench-clickhouse-ingest.ts, run as it is).
// ClickHouse is chDB (26.7) behind the test adapter in this process (tests/helpers/clickhouse.ts:
// one request at a time, sharing the cores with everything else): figures through the
// adapter, not a ClickHouse server's. SQLite readers run in this process too, on one connection.
// Usage: bun scripts/bench-stores.ts [--events 1000000] [--days 90] [--runs 5] [--data DIR] [--ingest-batches 3000 (0: skip)]
//   --data DIR: a data directory with one funnel seeded (kept); without it a temp one is seeded and removed.
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { DimensionKey } from "../src/analytics/dimensions";
import type { Filter } from "../src/analytics/filters";
import { stepsReport } from "../src/analytics/steps-report";
import { parseFlags } from "../src/config";
import { openStore } from "../src/db/open";
import { DEMO_ORIGIN } from "../src/demo/generate";
import { createFunnel } from "../src/funnels/store";
import { clickhouseReaders } from "../src/store/clickhouse/readers";
import type { DashboardReader } from "../src/store/dashboard-reader";
import type { JourneyReader } from "../src/store/journey-reader";
import { seedDemo } from "../src/store/sqlite/demo-seed";
import { startTestClickHouse } from "../tests/helpers/clickhouse";
import { aureaCommand, ROOT } from "../tests/helpers/process";
import { tempDir } from "../tests/helpers/server";
import { FIVE_STEPS, machineLine, percentile } from "./bench-lib";

const DAY = 86_400_000;
const flags = parseFlags(process.argv.slice(2), {
  events: { type: "number" }, days: { type: "number" }, runs: { type: "number" }, data: { type: "string" }, "ingest-batches": { type: "number" },
});
const EVENTS = (flags.events as number | undefined) ?? 1_000_000;
const DAYS = (flags.days as number | undefined) ?? 90;
const RUNS = (flags.runs as number | undefined) ?? 5;
const INGEST = (flags["ingest-batches"] as number | undefined) ?? 3000;
const dataDir = (flags.data as string | undefined) ?? tempDir("aurea-bench-stores-");
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");

console.log(`bench-stores: ${machineLine()}; load average ${load()}`);
const store = openStore(dataDir);
let funnelId = store.sqlite.query<{ id: string }, []>("SELECT id FROM funnels ORDER BY created_at LIMIT 1").get()?.id;
if (!funnelId || !store.sqlite.query("SELECT 1 FROM events LIMIT 1").get()) {
  funnelId = createFunnel(store.db, { name: "Bench stores", url: DEMO_ORIGIN }).funnel.id;
  const r = seedDemo(store.sqlite, funnelId, { events: EVENTS, days: DAYS, now: Date.now(), seed: 1 });
  console.log(`seeded ${r.events.toLocaleString("en-US")} demo events (${r.sessions.toLocaleString("en-US")} visits) over ${DAYS} days in ${((r.ms + r.rollupMs) / 1000).toFixed(1)} s`);
}
const total = store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()!.n;
store.close(); // the copy opens the directory itself, as a user's command would

const ch = await startTestClickHouse();
console.log(`\naurea events migrate: ${total.toLocaleString("en-US")} events into ClickHouse (chDB through the test adapter in this process)`);
const t0 = performance.now();
const child = Bun.spawn([...aureaCommand(), "events", "migrate", "--to", ch.eventsUrl, "--data", dataDir], { stdout: "pipe", stderr: "inherit", cwd: ROOT });
const reader = child.stdout.getReader();
const decoder = new TextDecoder();
for (let r = await reader.read(); !r.done; r = await reader.read()) process.stdout.write(decoder.decode(r.value).replace(/^(?=.)/gm, "  "));
if ((await child.exited) !== 0) throw new Error("events migrate failed");
const copyS = (performance.now() - t0) / 1000;
console.log(`copied in ${copyS.toFixed(1)} s = ${Math.round(total / copyS).toLocaleString("en-US")} events/s (load average ${load()})`);

const reopened = openStore(dataDir);
const client = createClient({ url: ch.url, username: ch.username, password: ch.password, database: ch.database, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 300_000 });
const stores: [string, { dashboard: DashboardReader; journeys: JourneyReader }][] = [
  ["sqlite", reopened.events],
  ["clickhouse", clickhouseReaders(client, reopened.sqlite)],
];
const fid = funnelId;
const latest = reopened.sqlite.query<{ t: number }, []>("SELECT max(ts) AS t FROM events").get()!.t;
const to = latest + 1;
const from = to - 30 * DAY;
const PANELS: DimensionKey[] = ["channel", "source", "entry", "page", "device"];

async function page(r: { dashboard: DashboardReader }, filters: Filter[]): Promise<number> {
  const scope = { funnelId: fid, from, to, filters };
  const o = await r.dashboard.overview({ scope, previous: { from: from - 30 * DAY, to: from }, historyStart: null, knownVisitors: null, now: to });
  await r.dashboard.series({ scope, bucket: "day", tz: "Europe/Berlin", metric: "visitors", historyStart: null, now: to });
  for (const dim of PANELS) await r.dashboard.breakdown({ scope, dim, limit: 10, now: to });
  return o.current.tally.visits;
}

const requests: [string, (r: (typeof stores)[number][1]) => Promise<unknown>][] = [
  ["dashboard page, 30 days", (r) => page(r, [])],
  ["filtered page, page=/pricing", (r) => page(r, [{ key: "page", value: "/pricing" }])],
  ["5-step funnel report, 30 days", (r) => stepsReport(r.journeys, fid, FIVE_STEPS, { from, to, now: to }).then((s) => s.steps.map((x) => x.visitors).join("→"))],
  ["5-step funnel report + previous period", (r) => stepsReport(r.journeys, fid, FIVE_STEPS, { from, to, now: to, compare: true }).then((s) => s.steps.map((x) => x.visitors).join("→"))],
];

console.log(`\nreads, same ${total.toLocaleString("en-US")} events in both stores, 30 days ending at the latest event; median (min) of ${RUNS} runs after one warm-up`);
for (const [label, run] of requests) {
  const cells: string[] = [];
  const answers: unknown[] = [];
  for (const [name, r] of stores) {
    answers.push(await run(r));
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run(r);
      times.push(performance.now() - t);
    }
    cells.push(`${name} ${percentile(times, 50).toFixed(0).padStart(6)} ms (${Math.min(...times).toFixed(0)})`);
  }
  const same = JSON.stringify(answers[0]) === JSON.stringify(answers[1]) ? "same answer" : `answers differ: ${JSON.stringify(answers)}`;
  console.log(`${label.padEnd(40)} ${cells.join("   ")}   ${same}`);
}
console.log(`load average ${load()}`);
reopened.close();
await client.close();
await ch.close();
if (!flags.data) rmSync(dataDir, { recursive: true, force: true });

if (INGEST > 0) {
  console.log(`\ninsert throughput through the processing thread: bun scripts/bench-clickhouse-ingest.ts --batches ${INGEST} --rounds 1`);
  const ingest = Bun.spawn(["bun", join(ROOT, "scripts/bench-clickhouse-ingest.ts"), "--batches", String(INGEST), "--rounds", "1"], { stdout: "inherit", stderr: "inherit", cwd: ROOT });
  await ingest.exited;
}
